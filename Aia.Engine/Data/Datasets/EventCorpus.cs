namespace Aia.Engine.Data.Datasets;

/// <summary>One labelled recording: where it comes from (for messages) and how to read its events.</summary>
public sealed record EventSample(string Source, int Label, Func<Events> Load);

/// <summary>
/// A dataset before framing: class names, the sensor, the train and test samples, and the settings that decide
/// its content (root, file fingerprint, split rule, emulator settings...), which a cache records.
/// </summary>
public sealed record EventCorpus(
    string Name,
    string[] ClassNames,
    SensorSize Sensor,
    IReadOnlyList<EventSample> Train,
    IReadOnlyList<EventSample> Test,
    IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    /// <summary>The samples of split "train" or "test".</summary>
    public IReadOnlyList<EventSample> Split(string split) => split switch
    {
        "train" => Train,
        "test" => Test,
        _ => throw new ArgumentException($"Unknown split '{split}' (train or test)."),
    };
}
