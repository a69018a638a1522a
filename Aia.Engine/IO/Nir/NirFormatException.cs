namespace Aia.Engine.IO.Nir;

/// <summary>A NIR file that is damaged, not NIR, or uses what the engine does not support; the message says what.</summary>
public sealed class NirFormatException(string message) : IOException(message);
