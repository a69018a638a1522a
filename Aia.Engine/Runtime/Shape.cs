namespace Aia.Engine.Runtime;

/// <summary>
/// The dimensions of a dense row-major tensor. Activations carry time first: [T, N, C, H, W] after a
/// convolution, [T, N, F] after a linear layer.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[] dims;

    /// <summary>Creates a shape; every dimension must be positive.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var d in dims)
        {
            if (d <= 0)
                throw new ArgumentException($"Shape dimensions must be positive, got [{string.Join(", ", dims)}].");
        }
        this.dims = (int[])dims.Clone();
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => dims?.Length ?? 0;

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => dims[axis < 0 ? axis + Rank : axis];

    /// <summary>Number of elements.</summary>
    public long Length
    {
        get
        {
            long n = 1;
            foreach (var d in dims ?? []) n *= d;
            return n;
        }
    }

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])(dims ?? []).Clone();

    /// <summary>The product of dimensions [from, to).</summary>
    public long Product(int from, int to)
    {
        long n = 1;
        for (int i = from; i < to; i++) n *= dims[i];
        return n;
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => (dims ?? []).AsSpan().SequenceEqual(other.dims ?? []);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in dims ?? []) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Equality of dimensions.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    /// <summary>Inequality of dimensions.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>Shapes convert from int arrays.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", dims ?? [])}]";
}
