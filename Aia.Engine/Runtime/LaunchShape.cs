namespace Aia.Engine.Runtime;

/// <summary>
/// What the launch planning of the ops needs to know of a device (<see cref="Device.Launches"/>), so that plans can
/// also be made for a device that is not here (the CUDA plans tests walk): whether launches are shaped for a GPU
/// (one element or neuron per thread, 64 x 64 GEMM tiles of 4 x 4 register microtiles) or for the CPU accelerator
/// (blocks of quads per OS thread, 256 x 256 tiles), threads per group, groups of a full launch, the dynamic shared
/// memory a group may use, and whether GEMM tiles are multiplied by the CPU's vector code.
/// </summary>
/// <param name="Gpu">Launches shaped for a GPU (CUDA, OpenCL, and the GPU-shaped CPU device of the tests).</param>
/// <param name="GroupSize">Threads per group.</param>
/// <param name="GroupCount">Groups of a full grid-stride launch.</param>
/// <param name="SharedBytes">Dynamic shared memory one group may use, bytes (48 KiB on CUDA without an opt-in).</param>
/// <param name="VectorTiles">GEMM tiles multiplied by <c>VectorTileProduct</c> (the CPU accelerator).</param>
/// <param name="Precision">Input format of the GEMM tiles (tensor cores for TF32 and BF16).</param>
public readonly record struct LaunchShape(bool Gpu, int GroupSize, int GroupCount, int SharedBytes, bool VectorTiles, Precision Precision = Precision.Fp32)
{
    /// <summary>Whether the tile product works on a tile parked in shared memory (vector tiles, tensor cores).</summary>
    public bool WholeTile => VectorTiles || Precision != Precision.Fp32;

    /// <summary>Shared memory a CUDA kernel may use without cuFuncSetAttribute (which ILGPU 1.5.3 never calls), bytes.</summary>
    public const int CudaSharedBytes = 48 * 1024;

    /// <summary>A CUDA GPU with <paramref name="multiprocessors"/> SMs as the engine launches on it (groups of 256, 8 per SM).</summary>
    public static LaunchShape Cuda(int multiprocessors, Precision precision = Precision.Fp32) =>
        new(true, 256, multiprocessors * 8, CudaSharedBytes, false, precision);
}
