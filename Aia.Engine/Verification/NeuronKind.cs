namespace Aia.Engine.Verification;

/// <summary>The neuron layers of the paper's Table 2, for checks and tests that run each of them.</summary>
public enum NeuronKind
{
    /// <summary>Leaky integrate-and-fire (Eq. 1-2).</summary>
    Lif,

    /// <summary>Integrate-and-fire (decay 1).</summary>
    If,

    /// <summary>Parametric LIF (learnable decay).</summary>
    Plif,

    /// <summary>Adaptive internal association (Eq. 6-7).</summary>
    Aia,

    /// <summary>Cached AIA (Eq. 8-9).</summary>
    CachedAia,
}
