using Aia.Cli.Commands;
using CommandLine;

namespace Aia.Cli;

/// <summary>The <c>aia</c> command: a verb table. Exit codes: 0 success, 1 failure, 2 bad usage.</summary>
public static class Program
{
    /// <summary>Every verb's options type, in the order <c>aia --help</c> lists them.</summary>
    private static readonly Type[] Verbs =
    [
        typeof(TrainOptions),
        typeof(EvalOptions),
        typeof(ExportOptions),
        typeof(ImportOptions),
        typeof(CompareOptions),
        typeof(DevicesOptions),
        typeof(VerifyOptions),
        typeof(DataInspectOptions),
        typeof(DataPrepareOptions),
    ];

    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => Run(args);

    /// <summary>Parses and runs one command line; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        using var parser = new Parser(s =>
        {
            s.HelpWriter = null;
            s.CaseInsensitiveEnumValues = true;
            s.CaseSensitive = false;
        });
        var parsed = parser.ParseArguments(DataCommand.JoinVerb(args), Verbs);
        try
        {
            return Dispatch(parsed);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"aia: {e.Message}");
            return 2;
        }
    }

    private static int Dispatch(ParserResult<object> parsed) =>
        parsed.MapResult(
            (TrainOptions o) => TrainCommand.Run(o),
            (EvalOptions o) => EvalCommand.Run(o),
            (ExportOptions o) => ExportCommand.Run(o),
            (ImportOptions o) => ImportCommand.Run(o),
            (CompareOptions o) => CompareCommand.Run(o),
            (DevicesOptions o) => DevicesCommand.Run(o),
            (VerifyOptions o) => VerifyCommand.Run(o),
            (DataInspectOptions o) => DataCommand.Inspect(o),
            (DataPrepareOptions o) => DataCommand.Prepare(o),
            errors => Usage.Report(parsed, errors));
}
