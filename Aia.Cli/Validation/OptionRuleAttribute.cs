namespace Aia.Cli.Validation;

/// <summary>
/// A rule on one option's value, declared on the option's property next to its <c>[Option]</c> attribute and
/// checked by <see cref="OptionRules"/> before a verb does any work. A value that was not given (null) is not
/// checked. A sequence option is checked element by element.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public abstract class OptionRuleAttribute : Attribute
{
    /// <summary>What is wrong with <paramref name="value"/> (completing "OPTION ..."), or null when it is fine.</summary>
    public abstract string? Problem(object value);
}

/// <summary>
/// The value must be a finite number in [<see cref="Min"/>, <see cref="Max"/>] (ends excluded with
/// <see cref="MinExclusive"/> / <see cref="MaxExclusive"/>); NaN and infinities are refused.
/// </summary>
public sealed class RangeAttribute(double min, double max) : OptionRuleAttribute
{
    /// <summary>Smallest allowed value.</summary>
    public double Min { get; } = min;

    /// <summary>Largest allowed value.</summary>
    public double Max { get; } = max;

    /// <summary>Whether <see cref="Min"/> itself is refused.</summary>
    public bool MinExclusive { get; init; }

    /// <summary>Whether <see cref="Max"/> itself is refused.</summary>
    public bool MaxExclusive { get; init; }

    /// <inheritdoc/>
    public override string? Problem(object value)
    {
        double v = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        bool ok = double.IsFinite(v) && (MinExclusive ? v > Min : v >= Min) && (MaxExclusive ? v < Max : v <= Max);
        return ok ? null : $"must be in {(MinExclusive ? '(' : '[')}{Show(Min)}, {Show(Max)}{(MaxExclusive ? ')' : ']')}, not {Show(v)}";
    }

    private static string Show(double v) => v switch
    {
        double.MaxValue => "inf",
        >= int.MaxValue and < int.MaxValue + 1.0 => "2147483647",
        _ => v.ToString("G", System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The value must be a non-empty string (a path or name).</summary>
public sealed class NotEmptyAttribute : OptionRuleAttribute
{
    /// <inheritdoc/>
    public override string? Problem(object value) =>
        value is string s && string.IsNullOrWhiteSpace(s) ? "cannot be empty" : null;
}

/// <summary>The value must be one of the given words (compared ignoring case).</summary>
public sealed class OneOfAttribute(params string[] words) : OptionRuleAttribute
{
    /// <summary>The allowed words.</summary>
    public IReadOnlyList<string> Words { get; } = words;

    /// <inheritdoc/>
    public override string? Problem(object value) =>
        value is string s && !Words.Contains(s, StringComparer.OrdinalIgnoreCase)
            ? $"must be {string.Join(", ", Words.SkipLast(1))} or {Words[^1]}, not '{s}'"
            : null;
}

/// <summary>The value must be a run folder name: one folder name, not a path (see <see cref="Engine.Training.RunFolder.NameProblem"/>).</summary>
public sealed class RunNameAttribute : OptionRuleAttribute
{
    /// <inheritdoc/>
    public override string? Problem(object value) =>
        value is string s && Engine.Training.RunFolder.NameProblem(s) is { } problem ? $"is wrong: {problem}" : null;
}
