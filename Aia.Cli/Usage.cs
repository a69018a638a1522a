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
}
