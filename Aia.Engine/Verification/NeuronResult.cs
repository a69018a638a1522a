namespace Aia.Engine.Verification;

/// <summary>What a device run of a <see cref="NeuronCase"/> produced.</summary>
/// <param name="Spikes">o.</param>
/// <param name="InputGradient">dL/dx.</param>
/// <param name="ParameterGradient">dL/dw (PLIF) or dL/dbeta (cached AIA); empty for the others.</param>
public sealed record NeuronResult(float[] Spikes, float[] InputGradient, float[] ParameterGradient);
