using Aia.Engine.IO;
using Aia.Engine.Training;
using NUnit.Framework;

namespace Aia.Tests.Training;

/// <summary>A damaged training state or metrics file is a <see cref="CheckpointException"/> naming the file, never a crash.</summary>
public sealed class CheckpointDamageTests
{
    private string dir = "";

    [SetUp]
    public void MakeFolder() => dir = Directory.CreateTempSubdirectory("aia-ckpt-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    private static string ValidState() => Checkpoint.ToJson(new TrainingState { Config = new TrainingConfig(), InputShape = [2, 28, 28], ClassNames = ["a", "b"] });

    private string WithState(string json)
    {
        var path = Path.Combine(dir, "last.safetensors");
        Safetensors.Write(path, [new HostTensor("x", [1], [1f])], new Dictionary<string, string> { [Checkpoint.StateKey] = json });
        return path;
    }

    [Test]
    public void AValidStateLoads() => Assert.That(Checkpoint.Load(WithState(ValidState())).State.ClassNames, Is.EqualTo(new[] { "a", "b" }));

    public static IEnumerable<TestCaseData> DamagedStates()
    {
        string valid = ValidState();
        yield return new TestCaseData(valid[..(valid.Length / 2)]).SetName("truncated");
        yield return new TestCaseData("not json").SetName("not JSON");
        yield return new TestCaseData("{}").SetName("empty object");
        yield return new TestCaseData("null").SetName("null");
        yield return new TestCaseData("[1, 2]").SetName("an array");
        yield return new TestCaseData(valid.TrimEnd().TrimEnd('}') + ",}").SetName("trailing comma");
        yield return new TestCaseData(valid.Replace("\"epoch\": 0", "\"epoch\": \"zero\"")).SetName("epoch a string");
        yield return new TestCaseData(valid.Replace("\"epoch\": 0", "\"epoch\": -4")).SetName("epoch negative");
        yield return new TestCaseData(valid.Replace("\"epoch\": 0", "\"epoch\": 1e40")).SetName("epoch huge");
        yield return new TestCaseData(ReplaceConfig(valid, "null")).SetName("config null");
        yield return new TestCaseData(ReplaceConfig(valid, "5")).SetName("config a number");
        yield return new TestCaseData(valid.Replace("\"class_names\": [", "\"class_names\": null, \"x\": [")).SetName("class names null");
        yield return new TestCaseData(valid.Replace("\"input_shape\": [", "\"input_shape\": null, \"y\": [")).SetName("input shape null");
        yield return new TestCaseData(valid.Replace("\"time_steps\": 6", "\"time_steps\": 1048576")).SetName("config time steps huge");
        yield return new TestCaseData(valid.Replace("\"batch_size\": 32", "\"batch_size\": 0")).SetName("config batch zero");
        yield return new TestCaseData(valid.Replace("\"model\": \"small\"", "\"model\": null")).SetName("config model null");
        yield return new TestCaseData(valid.Replace("\"model\": \"small\"", "\"model\": \"99999999,A\"")).SetName("config model too wide");
        yield return new TestCaseData(valid.Replace("\"learning_rate\": 0.001", "\"learning_rate\": \"NaN\"")).SetName("config learning rate NaN");
        yield return new TestCaseData(Checkpoint.ToJson(new TrainingState { Config = new TrainingConfig(), InputShape = [2, 28, 99999], ClassNames = ["a"] })).SetName("input shape huge");
    }

    private static string ReplaceConfig(string json, string with)
    {
        int start = json.IndexOf("\"config\": {", StringComparison.Ordinal) + "\"config\": ".Length;
        int depth = 0, end = start;
        do
        {
            if (json[end] == '{') depth++;
            if (json[end] == '}') depth--;
            end++;
        } while (depth > 0);
        return json[..start] + with + json[end..];
    }

    [TestCaseSource(nameof(DamagedStates))]
    public void ADamagedStateIsACheckpointError(string json)
    {
        var path = WithState(json);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.That(e!.Message, Does.StartWith(path + ": "));
    }

    [TestCase("garbage\n")]
    [TestCase("{\"epoch\": 1}\n{not json\n")]
    [TestCase("null\n")]
    [TestCase("{\"epoch\": 1, \"spikes_per_sample\": null}\n")]
    [TestCase("[1]\n")]
    public void AGarbageMetricsFileIsACheckpointErrorWithTheLineOffset(string text)
    {
        var path = Path.Combine(dir, "metrics.jsonl");
        File.WriteAllText(path, text);
        var e = Assert.Throws<CheckpointException>(() => MetricsLog.Load(path));
        Assert.That(e!.Message, Does.StartWith(path + ": ").And.Contain("offset"));
    }

    [Test]
    public void ALaggingSidecarIsRewrittenFromItsCheckpoint()
    {
        var path = WithState(ValidState());
        string sidecar = Path.ChangeExtension(path, ".json");
        File.WriteAllText(sidecar, "{\"epoch\": -1}");
        Assert.That(Checkpoint.RepairSidecar(path), Is.True);
        Assert.That(File.ReadAllText(sidecar), Is.EqualTo(ValidState()));
        Assert.That(Checkpoint.RepairSidecar(path), Is.False, "an up-to-date sidecar is left alone");
    }
}
