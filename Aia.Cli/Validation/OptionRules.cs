using System.Collections;
using System.Globalization;
using System.Reflection;
using CommandLine;

namespace Aia.Cli.Validation;

/// <summary>
/// The command-line checks the parser does not make, run on every verb before it does any work: an option that
/// needs a value must have one (CommandLineParser silently drops <c>-T</c> at the end of a line), no stray words
/// beyond the verb's declared values, and every <see cref="OptionRuleAttribute"/> declared on an option holds.
/// A failure is a <see cref="UsageException"/> naming the option (exit code 2 with the verb's usage). Options
/// added to any verb are covered by declaring their rules next to them; nothing here names an option.
/// </summary>
public static class OptionRules
{
    /// <summary>Checks the parsed <paramref name="options"/> of a verb against its command line <paramref name="args"/> (verb first).</summary>
    /// <exception cref="UsageException">The first problem found.</exception>
    public static void Check(object options, IReadOnlyList<string> args)
    {
        var type = options.GetType();
        CheckTokens(type, args.Skip(1).ToList());
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var rules = p.GetCustomAttributes<OptionRuleAttribute>(inherit: true).ToList();
            if (rules.Count == 0) continue;
            string name = NameOf(p);
            foreach (var value in Values(p.GetValue(options)))
                foreach (var rule in rules)
                    if (rule.Problem(value) is { } problem)
                        throw new UsageException($"{name} {problem}.");
        }
    }

    /// <summary>How an option is written in messages: <c>--long</c>, or the value's name.</summary>
    public static string NameOf(PropertyInfo p) =>
        p.GetCustomAttribute<OptionAttribute>() is { } o ? (o.LongName.Length > 0 ? "--" + o.LongName : "-" + o.ShortName)
        : p.GetCustomAttribute<ValueAttribute>()?.MetaName ?? p.Name;

    private static IEnumerable<object> Values(object? value) => value switch
    {
        null => [],
        string s => [s],
        IEnumerable many => many.Cast<object?>().Where(v => v is not null).Cast<object>(),
        _ => [value],
    };

    private enum Arity { Flag, One, Many }

    /// <summary>Walks the tokens after the verb the way the parser reads them and refuses what it would drop.</summary>
    private static void CheckTokens(Type type, List<string> tokens)
    {
        var options = new Dictionary<string, (string Name, Arity Arity)>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<OptionAttribute>() is not { } o) continue;
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var arity = t == typeof(bool) ? Arity.Flag : t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t) ? Arity.Many : Arity.One;
            string shown = NameOf(p);
            if (o.LongName.Length > 0) options["--" + o.LongName] = (shown, arity);
            if (o.ShortName.Length > 0) options["-" + o.ShortName] = (shown, arity);
        }
        int values = type.GetProperties().Count(p => p.GetCustomAttribute<ValueAttribute>() is not null);
        int positional = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (token == "--")
            {
                positional += tokens.Count - i - 1;
                break;
            }
            if (IsOption(token))
            {
                bool inline = token.StartsWith("--", StringComparison.Ordinal) ? token.Contains('=') : token.Length > 2;
                string key = token.StartsWith("--", StringComparison.Ordinal) ? token.Split('=')[0] : token[..2];
                if (!options.TryGetValue(key, out var option) || option.Arity == Arity.Flag || inline) continue;
                if (i + 1 >= tokens.Count || IsOption(tokens[i + 1]))
                    throw new UsageException($"{option.Name} needs a value.");
                i++;
                if (option.Arity == Arity.Many)
                    while (i + 1 < tokens.Count && !IsOption(tokens[i + 1]) && tokens[i + 1] != "--") i++;
                continue;
            }
            positional++;
            if (positional > values)
                throw new UsageException($"unexpected argument '{token}' (this verb takes {(values == 0 ? "no values besides options" : $"{values} value{(values > 1 ? "s" : "")}")}).");
        }
    }

    /// <summary>An option name (not a negative number such as <c>-1</c> or <c>-1e-3</c>).</summary>
    private static bool IsOption(string token) =>
        token.Length > 1 && token[0] == '-' && token != "--" &&
        !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
