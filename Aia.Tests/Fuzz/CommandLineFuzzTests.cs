using NUnit.Framework;

namespace Aia.Tests.Fuzz;

/// <summary>
/// Seeded random command lines, each with at least one value that no verb accepts, so none may start any work:
/// every one must answer with exit code 2 (never an exception, never 0 or 1), and leave no run folder or cache.
/// </summary>
[Category("Fuzz")]
[NonParallelizable]
public sealed class CommandLineFuzzTests
{
    private static readonly string[] Verbs = ["train", "eval", "export", "compare", "data prepare", "data inspect"];

    private static readonly string[] Options =
        ["--dataset", "--root", "--model", "--neuron", "-T", "--timesteps", "--size", "--batch", "-b", "--epochs", "--lr", "--weight-decay",
         "--warmup", "--label-smoothing", "--clip-norm", "--val-fraction", "--limit", "--seed", "--name", "--log-interval", "--frames",
         "--height", "--width", "--split", "--threads", "--events", "--verify-samples", "--checkpoint", "--runs", "--out", "--report"];

    private static readonly string[] Values =
        ["", "0", "-1", "NaN", "-NaN", "Infinity", "1e400", "2147483648", "46341", "65536", "1048576", "-0", "0.5", "x", ".", "..", "/", "a/b",
         "--", "-", "1,2", "lif", "cached-aia", "small", "\u0000", "ümlaut", new string('a', 300)];

    /// <summary>A value refused by every option that takes it, or a word no verb takes.</summary>
    private static readonly string[][] Poison =
        [["--batch", "0"], ["--limit", "-5"], ["-T"], ["stray-word", "another"], ["--epochs"], ["--name", ".."], ["--lr", "NaN"], ["--frames", "0"], ["--events", "-1"]];

    [Test]
    public void RandomBadCommandLinesExitWithTwoBeforeAnyWork()
    {
        var dir = Directory.CreateTempSubdirectory("aia-cli-fuzz-").FullName;
        int cases = Math.Max(40, FuzzHarness.Cases / 3);
        var failures = new List<string>();
        try
        {
            for (int seed = 0; seed < cases && failures.Count < 5; seed++)
            {
                var rng = new Random(seed);
                var verb = Verbs[rng.Next(Verbs.Length)].Split(' ');
                var line = new List<string>(verb);
                for (int i = rng.Next(5); i > 0; i--)
                {
                    line.Add(Options[rng.Next(Options.Length)]);
                    if (rng.Next(5) > 0) line.Add(Values[rng.Next(Values.Length)]);
                }
                // The poison goes last, after what it must not be read as the value of.
                var poison = Poison.Where(p => Applies(verb, p)).ToArray();
                line.AddRange(poison[rng.Next(poison.Length)]);
                line.AddRange(["--out", Path.Combine(dir, "runs"), "--cache", Path.Combine(dir, "cache"), "--device", "cpu", "--quiet"]);
                if (verb[0] is not ("train" or "compare")) line.RemoveRange(line.Count - 7, 7);
                string shown = string.Join(" ", line.Select(t => $"'{t}'"));
                var (answered, code, err, escaped) = FuzzHarness.RunCli([.. line]);
                if (!answered)
                {
                    failures.Add($"seed {seed}: no answer within 60 s (a hang) for {shown}");
                    break; // the thread cannot be stopped and holds the console
                }
                if (escaped is not null)
                    failures.Add($"seed {seed}: {escaped.GetType().Name} escaped for {shown}: {escaped.Message}");
                else if (code != 2)
                    failures.Add($"seed {seed}: exit {code} for {shown}\n{err}");
                if (Directory.Exists(Path.Combine(dir, "runs")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "runs")).Any())
                    failures.Add($"seed {seed}: a run folder was created for {shown}");
                if (Directory.Exists(Path.Combine(dir, "cache")))
                    failures.Add($"seed {seed}: data was prepared for {shown}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    /// <summary>Whether <paramref name="poison"/> is refused by <paramref name="verb"/> (its options exist there).</summary>
    private static bool Applies(string[] verb, string[] poison) => poison[0] switch
    {
        "--batch" => verb[0] is "train" or "eval" or "compare",
        "--limit" => verb[0] is "train" or "eval" or "compare" || verb is ["data", "prepare"],
        "-T" or "--epochs" or "--name" or "--lr" => verb[0] is "train" or "compare",
        "--frames" => verb is ["data", "prepare"],
        "--events" => verb is ["data", "inspect"],
        _ => true,
    };
}
