namespace Aia.Engine.Data;

/// <summary>The pixel array of an event camera: <see cref="Width"/> columns (x) by <see cref="Height"/> rows (y).</summary>
public readonly record struct SensorSize(int Width, int Height)
{
    /// <summary>Number of pixels.</summary>
    public int Pixels => Width * Height;

    /// <summary>Whether (x, y) lies on the sensor.</summary>
    public bool Contains(int x, int y) => (uint)x < (uint)Width && (uint)y < (uint)Height;

    /// <inheritdoc/>
    public override string ToString() => $"{Width}x{Height}";
}
