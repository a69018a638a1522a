namespace Aia.Engine.Data;

/// <summary>A sample that could not be read: its source and the problem.</summary>
public sealed record SkippedSample(string Source, string Error);

/// <summary>
/// Some samples of a dataset could not be read. Thrown after the whole split was tried, so one run reports every
/// bad file; rerun with skipping on (<c>--skip-bad</c>) to leave them out.
/// </summary>
public sealed class BadSamplesException(string split, int total, IReadOnlyList<SkippedSample> bad)
    : Exception($"{bad.Count} of {total} samples of {split} could not be read (rerun with --skip-bad to leave them out):"
        + string.Concat(bad.Take(20).Select(b => $"{Environment.NewLine}  {b.Error}"))
        + (bad.Count > 20 ? $"{Environment.NewLine}  ... and {bad.Count - 20} more" : ""))
{
    /// <summary>Every sample that failed.</summary>
    public IReadOnlyList<SkippedSample> Bad { get; } = bad;
}
