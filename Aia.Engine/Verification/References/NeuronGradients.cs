namespace Aia.Engine.Verification.References;

/// <summary>The reference BPTT's gradients.</summary>
/// <param name="Input">dL/dx, same layout as x.</param>
/// <param name="Beta">dL/dbeta per channel (cached AIA; zeros otherwise).</param>
/// <param name="Decay">dL/dlambda summed over the layer (PLIF's dL/dw = this * lambda (1 - lambda)).</param>
public sealed record NeuronGradients(double[] Input, double[] Beta, double Decay);
