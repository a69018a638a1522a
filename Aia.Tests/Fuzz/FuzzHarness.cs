using Aia.Engine.IO;
using NUnit.Framework;

namespace Aia.Tests.Fuzz;

/// <summary>
/// Runs one parser on many mutants of a file, each on its own thread with a time limit, and asserts that only the
/// project's own input errors (<see cref="InputFileException"/> subclasses, plus <c>extra</c> types a target
/// declares) escape, that the thread allocates at most a bound tied to the file's size, and that nothing hangs.
/// The number of cases per target is <see cref="Cases"/>: 300 by default (the CI share, about 20 s), or the environment
/// variable <c>AIA_FUZZ_CASES</c> (e.g. 5000 for a long run).
/// </summary>
public static class FuzzHarness
{
    /// <summary>How long one case may take before it counts as a hang (generous: the VM is shared).</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Cases per target: <c>AIA_FUZZ_CASES</c>, else 300.</summary>
    public static int Cases => int.TryParse(Environment.GetEnvironmentVariable("AIA_FUZZ_CASES"), out int n) && n > 0 ? n : 300;

    /// <summary>Allocation allowed for a file of <paramref name="bytes"/> bytes: 64 per byte plus 16 MiB.</summary>
    public static long AllocationBound(long bytes) => 64 * bytes + (16L << 20);

    /// <summary>
    /// Writes each mutant to a file in <paramref name="folder"/> named <paramref name="fileName"/> and runs
    /// <paramref name="parse"/> on its path; a result that is <see cref="IDisposable"/> is disposed. Returns how many
    /// mutants parsed without an error (they may still be valid files).
    /// </summary>
    public static int Run(string folder, string fileName, IEnumerable<(int Seed, byte[] Bytes, string What)> mutants,
        Func<string, object?> parse, params Type[] extra)
    {
        var failures = new List<string>();
        int accepted = 0, cases = 0, failed = 0;
        string path = Path.Combine(folder, fileName);
        foreach (var (seed, bytes, what) in mutants)
        {
            cases++;
            File.WriteAllBytes(path, bytes);
            Exception? escaped = null;
            long allocated = 0;
            bool ok = false;
            var thread = new Thread(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    var result = parse(path);
                    (result as IDisposable)?.Dispose();
                    ok = true;
                }
                catch (Exception e)
                {
                    escaped = e;
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }, 16 << 20) { IsBackground = true };
            thread.Start();
            if (!thread.Join(CaseTimeout))
            {
                failures.Add($"seed {seed} ({what}): no answer within {CaseTimeout.TotalSeconds} s (a hang)");
                break; // the thread cannot be stopped; the file stays open in it
            }
            if (ok) accepted++;
            if (escaped is not null && !(escaped is InputFileException || extra.Any(t => t.IsInstanceOfType(escaped))))
                failures.Add($"seed {seed} ({what}): {escaped.GetType().Name}: {escaped.Message}\n{escaped.StackTrace}");
            if (escaped is InputFileException input && !input.Message.StartsWith(path + ": ", StringComparison.Ordinal) && !input.Message.Contains(fileName, StringComparison.Ordinal))
                failures.Add($"seed {seed} ({what}): the message does not name the file: {input.Message}");
            if (allocated > AllocationBound(bytes.Length))
                failures.Add($"seed {seed} ({what}): allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte file (bound {AllocationBound(bytes.Length):N0})");
            if (failures.Count > failed && Environment.GetEnvironmentVariable("AIA_FUZZ_KEEP") is { Length: > 0 } keep)
            {
                Directory.CreateDirectory(keep);
                File.Copy(path, Path.Combine(keep, $"{seed}-{fileName}"), overwrite: true);
            }
            failed = failures.Count;
            if (failures.Count >= 5) break;
        }
        Assert.That(failures, Is.Empty, $"{failures.Count} of {cases} cases failed:\n" + string.Join("\n", failures));
        TestContext.Out.WriteLine($"{fileName}: {cases} cases, {accepted} parsed as valid, {cases - accepted} refused with input errors");
        return accepted;
    }

    /// <summary>
    /// Runs <c>aia line...</c> in-process on its own thread with a time limit (<paramref name="seconds"/>): whether it
    /// answered, its exit code and standard error, and the exception that escaped it, if one did. After a hang the
    /// thread keeps the console, so a caller stops there.
    /// </summary>
    public static (bool Answered, int Code, string Err, Exception? Escaped) RunCli(string[] line, int seconds = 60)
    {
        int code = -1;
        string err = "";
        Exception? escaped = null;
        var thread = new Thread(() =>
        {
            try { (code, _, err) = Support.Cli.Run(line); }
            catch (Exception e) { escaped = e; }
        }, 16 << 20) { IsBackground = true };
        thread.Start();
        bool answered = thread.Join(TimeSpan.FromSeconds(seconds));
        return (answered, code, err, escaped);
    }

    /// <summary>The seeded binary mutants of <paramref name="valid"/> for <see cref="Run"/>.</summary>
    public static IEnumerable<(int, byte[], string)> Binary(byte[] valid, IReadOnlyList<int> regions, int baseSeed) =>
        Enumerable.Range(0, Cases).Select(i =>
        {
            var (bytes, what) = Mutator.Mutate(valid, regions, i);
            return (baseSeed + i, bytes, what);
        });
}
