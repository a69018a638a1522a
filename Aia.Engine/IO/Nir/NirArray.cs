namespace Aia.Engine.IO.Nir;

/// <summary>A float32 array of a NIR node (weights, time constants, thresholds) in row-major order with its shape.</summary>
/// <param name="Data">The values, row-major.</param>
/// <param name="Shape">The dimensions (empty for a scalar).</param>
public sealed record NirArray(float[] Data, long[] Shape)
{
    /// <summary>A one-dimensional array.</summary>
    public static NirArray Vector(float[] data) => new(data, [data.Length]);

    /// <summary>An array of <paramref name="shape"/> with every element <paramref name="value"/>.</summary>
    public static NirArray Filled(long[] shape, float value)
    {
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        Array.Fill(data, value);
        return new NirArray(data, shape);
    }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>The one value every element holds, or null when they differ (or the array is empty).</summary>
    public float? Uniform()
    {
        if (Data.Length == 0) return null;
        float first = Data[0];
        foreach (float v in Data)
        {
            if (v != first && !(float.IsNaN(v) && float.IsNaN(first)))
                return null;
        }
        return first;
    }
}
