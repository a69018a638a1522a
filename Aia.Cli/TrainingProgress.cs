using System.Globalization;
using Aia.Engine.Training;
using Spectre.Console;

namespace Aia.Cli;

/// <summary>
/// Progress bars for <c>aia train</c> (Spectre.Console): one bar per epoch with live loss, accuracy and samples/s,
/// one for evaluation, and a summary line per epoch. Without an interactive terminal (CI, pipes) nothing is drawn
/// and the log lines carry the same figures.
/// </summary>
public sealed class TrainingProgress(bool quiet) : ITrainingObserver
{
    private readonly bool live = Logging.LiveConsole(quiet);
    private ProgressContext? context;
    private ProgressTask? epochTask;
    private ProgressTask? evalTask;

    /// <summary>Runs <paramref name="work"/> with the bars drawn (when live).</summary>
    public T Run<T>(Func<T> work)
    {
        if (!live)
            return work();
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                context = ctx;
                result = work();
            });
        return result;
    }

    /// <inheritdoc/>
    public void EpochStarted(int epoch, int epochs, int batches)
    {
        if (context is null) return;
        epochTask = context.AddTask($"epoch {epoch}/{epochs}", maxValue: batches);
        evalTask = null;
    }

    /// <inheritdoc/>
    public void Progress(int epoch, int batch, int batches, double loss, double accuracy, double samplesPerSecond)
    {
        if (epochTask is null)
            return;
        epochTask.Value = batch;
        epochTask.Description = string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch} loss {loss:F3} acc {accuracy:P1} {samplesPerSecond:F0}/s");
    }

    /// <inheritdoc/>
    public void Evaluating(string split, int batch, int batches)
    {
        if (context is null) return;
        if (evalTask is null || evalTask.Description != split)
            evalTask = context.AddTask(split, maxValue: batches);
        evalTask.MaxValue = batches;
        evalTask.Value = batch;
    }

    /// <inheritdoc/>
    public void EpochCompleted(EpochMetrics m)
    {
        if (context is null) return;
        epochTask?.StopTask();
        evalTask?.StopTask();
        string val = double.IsNaN(m.ValAccuracy) ? "-" : m.ValAccuracy.ToString("P2", CultureInfo.InvariantCulture);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]epoch {m.Epoch}[/]: train loss {m.TrainLoss:F4} acc {m.TrainAccuracy:P2} | val acc {val} | test acc [green]{m.TestAccuracy:P2}[/] | {m.SamplesPerSecond:F1} samples/s, peak {m.PeakMemoryMiB:F0} MiB"));
    }
}
