using System.Buffers.Binary;
using System.Text;
using NUnit.Framework;

namespace Aia.Tests.Fuzz;

/// <summary>
/// Damaged checkpoints through the real <c>aia eval</c> and <c>aia export</c>, as a user meets them: mutants of a
/// checkpoint that training wrote (bytes, and the JSON header re-packed with a valid length so that the mutation
/// reaches the field checks). Each case must end with exit 0 (the damage was harmless) or 1 with
/// <c>aia VERB: FILE: ...</c> naming the checkpoint, within a time limit, with no exception escaping; the user's file
/// in the run folder and the checkpoint itself stay as they were. Cases per verb: <see cref="FuzzHarness.Cases"/>/20, at least 16.
/// </summary>
[Category("Fuzz")]
[NonParallelizable]
public sealed class CheckpointCliFuzzTests
{
    private string dir = "", valid = "";

    [OneTimeSetUp]
    public void TrainOneRun()
    {
        dir = Directory.CreateTempSubdirectory("aia-ckpt-fuzz-").FullName;
        var (code, _, err) = Support.Cli.Run("train", "--name", "a", "--limit", "4", "--epochs", "1", "--model", "4,A", "-T", "2", "--batch", "8",
            "--cache", Path.Combine(dir, "cache"), "--out", Path.Combine(dir, "runs"), "--device", "cpu", "--quiet");
        Assert.That(code, Is.Zero, err);
        valid = Path.Combine(dir, "runs", "a", "checkpoints", "best.safetensors");
    }

    [OneTimeTearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    [TestCase("eval", "--limit", "1", "--batch", "4")]
    [TestCase("export", "--verify-samples", "2")]
    public void DamagedCheckpointsAreNamedErrorsAndLoseNothing(string verb, params string[] extra)
    {
        byte[] bytes = File.ReadAllBytes(valid);
        int header = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes);
        int data = 8 + header;
        int[] regions = [0, 4, 8, 9, 8 + header / 2, data - 1, data, data + (bytes.Length - data) / 2, bytes.Length - 4];
        string run = Path.Combine(dir, verb), checkpoint = Path.Combine(run, "checkpoints", "best.safetensors"), notes = Path.Combine(run, "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        File.WriteAllText(notes, "the user's own file");
        int cases = Math.Max(16, FuzzHarness.Cases / 20), refused = 0;
        var failures = new List<string>();
        for (int i = 0; i < cases && failures.Count < 3; i++)
        {
            var (mutant, what) = i % 2 == 0 ? Mutator.Mutate(bytes, regions, 11_000 + i / 2) : HeaderMutant(bytes, header, 12_000 + i / 2);
            File.WriteAllBytes(checkpoint, mutant);
            string[] line = [verb, "--checkpoint", checkpoint, "--device", "cpu", .. extra];
            var (answered, code, err, escaped) = FuzzHarness.RunCli(line);
            if (!answered)
            {
                failures.Add($"case {i} ({what}): no answer within 60 s (a hang)");
                break;
            }
            if (escaped is not null)
                failures.Add($"case {i} ({what}): {escaped.GetType().Name} escaped: {escaped.Message}\n{escaped.StackTrace}");
            else if (code == 1 && !err.StartsWith($"aia {verb}: ", StringComparison.Ordinal))
                failures.Add($"case {i} ({what}): exit 1 without 'aia {verb}: ': {err}");
            else if (code == 1 && !err.Contains(checkpoint, StringComparison.Ordinal) && !err.Contains("model.", StringComparison.Ordinal))
                failures.Add($"case {i} ({what}): the message names no file: {err}");
            else if (code is not (0 or 1))
                failures.Add($"case {i} ({what}): exit {code}: {err}");
            if (code == 1) refused++;
            if (!File.Exists(notes) || File.ReadAllText(notes) != "the user's own file")
                failures.Add($"case {i} ({what}): the user's file in the run folder was changed or removed");
            if (!File.Exists(checkpoint) || !File.ReadAllBytes(checkpoint).AsSpan().SequenceEqual(mutant))
                failures.Add($"case {i} ({what}): the checkpoint was changed or removed");
        }
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
        Assert.That(refused, Is.GreaterThan(cases / 4), "over a quarter of the mutants must be refused, or the mutations do not reach the checks");
        TestContext.Out.WriteLine($"aia {verb}: {cases} damaged checkpoints, {refused} refused with a named error, {cases - refused} harmless");
    }

    /// <summary>The checkpoint with its JSON header mutated as text and re-packed with the right length prefix.</summary>
    private static (byte[], string) HeaderMutant(byte[] bytes, int header, int seed)
    {
        var (text, what) = Mutator.MutateText(Encoding.UTF8.GetString(bytes, 8, header), seed);
        byte[] json = Encoding.UTF8.GetBytes(text);
        var mutant = new byte[8 + json.Length + bytes.Length - 8 - header];
        BinaryPrimitives.WriteInt64LittleEndian(mutant, json.Length);
        json.CopyTo(mutant, 8);
        bytes.AsSpan(8 + header).CopyTo(mutant.AsSpan(8 + json.Length));
        return (mutant, "header " + what);
    }
}
