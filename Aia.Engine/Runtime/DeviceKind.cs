namespace Aia.Engine.Runtime;

/// <summary>Which ILGPU accelerator a <see cref="Device"/> runs on.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when a CUDA device is present, otherwise the CPU accelerator.</summary>
    Auto,
    /// <summary>The first CUDA device.</summary>
    Cuda,
    /// <summary>The first OpenCL device ILGPU accepts (it needs generic address space support).</summary>
    OpenCL,
    /// <summary>ILGPU's CPU accelerator, configured for grid-stride kernels.</summary>
    Cpu,
}
