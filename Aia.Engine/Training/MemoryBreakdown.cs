using System.Globalization;
using System.Text;
using Aia.Engine.Nn;
using Aia.Engine.Optim;
using Aia.Engine.Runtime;

namespace Aia.Engine.Training;

/// <summary>
/// Where a training step's device memory goes: the persistent tensors (parameters, their gradients, optimizer state,
/// buffers such as BN running statistics) and the step arena (what the forward kept for the backward when the backward
/// started, the most in live blocks at once, and the arena's size). <see cref="DryRun"/> gets the same figures
/// without running a kernel.
/// </summary>
/// <param name="Parameters">Bytes of the trainable parameters.</param>
/// <param name="Gradients">Bytes of the parameters' gradient buffers.</param>
/// <param name="OptimizerState">Bytes of the optimizer's state (Adam moments).</param>
/// <param name="Buffers">Bytes of the module buffers (running statistics).</param>
/// <param name="SavedForBackward">Arena bytes live when the backward started (activations kept for it, inputs).</param>
/// <param name="StepPeakInUse">The most arena bytes live at once during the step.</param>
/// <param name="Arena">Bytes of the arena (the one chunk the step fits in).</param>
/// <param name="Total">Device bytes: everything persistent the device holds plus the arena.</param>
public sealed record MemoryBreakdown(long Parameters, long Gradients, long OptimizerState, long Buffers, long SavedForBackward,
    long StepPeakInUse, long Arena, long Total)
{
    /// <summary>
    /// The figures after a step of <paramref name="model"/> with <paramref name="optimizer"/> on <paramref name="device"/>
    /// (call after the step, before the next arena reset).
    /// </summary>
    public static MemoryBreakdown Of(Device device, Module model, Optimizer optimizer)
    {
        static long Bytes(IEnumerable<Tensor> tensors) => tensors.Sum(t => t.Length * sizeof(float));
        var parameters = model.NamedParameters().Select(p => p.Tensor).ToList();
        long arena = device.Arena.Planning ? device.Arena.PlannedBytes : device.Arena.CapacityBytes;
        long persistent = device.AllocatedBytes - (device.Arena.Planning ? 0 : device.Arena.CapacityBytes);
        return new MemoryBreakdown(Bytes(parameters), Bytes(parameters.Where(p => p.Grad is not null).Select(p => p.Grad!)),
            Bytes(optimizer.NamedState.Select(s => s.Tensor)), Bytes(model.NamedBuffers().Select(b => b.Tensor)),
            device.Tape.SavedBytesAtBackward, device.Arena.LastStepPeakUsedBytes, arena, persistent + arena);
    }

    /// <summary>
    /// Runs <paramref name="step"/> (a whole training step: reset, forward, backward, optimizer) with the arena planning:
    /// no kernel runs and no activation memory is touched, but every allocation and free happens as in a real step. Returns
    /// the breakdown; afterwards the arena holds the one chunk the step needs, so real steps of the same shapes allocate
    /// nothing more (their peak is this plan's <see cref="Total"/>).
    /// </summary>
    public static MemoryBreakdown DryRun(Device device, Module model, Optimizer optimizer, Action step)
    {
        device.Arena.Planning = true;
        try
        {
            step();
            device.Arena.Reset();
            return Of(device, model, optimizer);
        }
        finally
        {
            device.Tape.Clear();
            device.Arena.Planning = false;
        }
    }

    /// <summary>One line per figure, in MiB.</summary>
    public string Format(string indent = "  ")
    {
        var b = new StringBuilder();
        void Line(string name, long bytes) =>
            b.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{indent}{name,-32} {bytes / 1048576.0,10:F1} MiB"));
        Line("parameters", Parameters);
        Line("parameter gradients", Gradients);
        Line("optimizer state", OptimizerState);
        Line("buffers (running statistics)", Buffers);
        Line("saved for backward", SavedForBackward);
        Line("step peak in use (arena)", StepPeakInUse);
        Line("arena", Arena);
        Line("total device memory", Total);
        return b.ToString();
    }
}
