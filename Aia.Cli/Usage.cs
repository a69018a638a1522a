using CommandLine;
using CommandLine.Text;

namespace Aia.Cli;

/// <summary>Help and usage errors: help on stdout with exit 0 when asked for, on stderr with exit 2 otherwise.</summary>
public static class Usage
{
    /// <summary>Prints help for a failed parse and returns its exit code.</summary>
    public static int Report<T>(ParserResult<T> parsed, IEnumerable<Error> errors)
    {
        var list = errors.ToList();
        bool asked = list.All(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.HelpVerbRequestedError or ErrorType.VersionRequestedError);
        var help = HelpText.AutoBuild(parsed, h =>
        {
            h.AdditionalNewLineAfterOption = false;
            h.Heading = "aia - train spiking neural networks with adaptive internal association (AIA) neurons";
            h.Copyright = "";
            h.AddDashesToOption = true;
            return HelpText.DefaultParsingErrorsHandler(parsed, h);
        }, e => e, verbsIndex: true);
        (asked ? Console.Out : Console.Error).WriteLine(help);
        return asked ? 0 : 2;
    }

    /// <summary>
    /// Prints a usage error of a parsed command line as <c>aia VERB: message</c>, then the verb's usage, on stderr;
    /// returns 2.
    /// </summary>
    public static int Refuse<T>(ParserResult<T> parsed, string message)
    {
        string verb = parsed.TypeInfo.Current.GetCustomAttributes(typeof(VerbAttribute), true) is [VerbAttribute v, ..]
            ? v.Name.Replace("data-", "data ", StringComparison.Ordinal)
            : "";
        Console.Error.WriteLine($"aia{(verb.Length > 0 ? " " + verb : "")}: {message}");
        Console.Error.WriteLine();
        var help = HelpText.AutoBuild(parsed, h =>
        {
            h.AdditionalNewLineAfterOption = false;
            h.Heading = $"usage: aia {verb} [options] (aia {verb} --help for examples)";
            h.Copyright = "";
            h.AddDashesToOption = true;
            return h;
        }, e => e);
        Console.Error.WriteLine(help);
        return 2;
    }
}
