namespace Aia.Kernels.Neurons;

/// <summary>
/// Everything a neuron kernel needs besides its arrays: the layout of the input currents (T time steps of
/// <see cref="Neurons"/> neurons, each time step laid out [N, C, S] with S = H*W, or S = 1 for [T, N, F]) and
/// the model constants of Eq. 1-2.
/// </summary>
public readonly struct NeuronParameters
{
    /// <summary>Creates the parameters of one launch.</summary>
    public NeuronParameters(int steps, int neurons, int channels, int spatial, float decay, float threshold,
        int surrogateKind, float alpha, bool detachReset, float smoothSlope, bool savePotential)
    {
        Steps = steps;
        Neurons = neurons;
        Channels = channels;
        Spatial = spatial;
        Decay = decay;
        Threshold = threshold;
        SurrogateKind = surrogateKind;
        Alpha = alpha;
        DetachReset = detachReset ? 1 : 0;
        SmoothSlope = smoothSlope;
        SavePotential = savePotential ? 1 : 0;
    }

    /// <summary>Time steps T.</summary>
    public int Steps { get; }

    /// <summary>Neurons per time step, N * C * S.</summary>
    public int Neurons { get; }

    /// <summary>Channels C (conv) or units F (linear).</summary>
    public int Channels { get; }

    /// <summary>Positions per channel and sample: H * W, or 1.</summary>
    public int Spatial { get; }

    /// <summary>Positions of one channel over the batch, N * S.</summary>
    public int Positions => Neurons / Channels;

    /// <summary>The leak lambda of Eq. 1 (PLIF reads its own from the device).</summary>
    public float Decay { get; }

    /// <summary>The firing threshold Vth of Eq. 2.</summary>
    public float Threshold { get; }

    /// <summary>Which <see cref="Surrogate"/> stands in for H' in the backward pass.</summary>
    public int SurrogateKind { get; }

    /// <summary>The surrogate's shape parameter (width or alpha).</summary>
    public float Alpha { get; }

    /// <summary>1: the reset does not pass gradient (o[t] treated as a constant in u[t+1]); 0: it does.</summary>
    public int DetachReset { get; }

    /// <summary>
    /// 0: o = H(u - Vth). k &gt; 0 (gradient checks only): o = sigmoid(k (u - Vth)) in the forward pass and its
    /// exact derivative (the Sigmoid surrogate with alpha = k) in the backward pass.
    /// </summary>
    public float SmoothSlope { get; }

    /// <summary>1: the forward pass stores u[t] before reset for the backward pass; 0: it stores nothing.</summary>
    public int SavePotential { get; }

    /// <summary>
    /// Units per thread in a tile of <see cref="NeuronDynamics"/> (at most what fills its shared state; 0 counts as 1).
    /// 1 on GPUs, where one neuron per thread keeps every warp access coalesced; a full tile on the CPU accelerator.
    /// </summary>
    public int Lanes { get; init; }

    /// <summary>
    /// 1: neurons are read and written four at a time as quads (CPU accelerator: a quarter of the view accesses).
    /// Only when S and so the neurons of a step are multiples of 4 and every array starts on a quad.
    /// </summary>
    public int Quads { get; init; }
}
