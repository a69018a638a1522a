using Aia.Cli.Commands;
using Aia.Cli.Validation;
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
        var line = DataCommand.JoinVerb(args);
        var parsed = parser.ParseArguments(line, Verbs);
        try
        {
            // Option rules (ranges, names, missing values, stray words) hold before any verb does any work.
            if (parsed is Parsed<object> ok)
                OptionRules.Check(ok.Value, line);
            return Dispatch(parsed);
        }
        catch (UsageException e)
        {
            return Usage.Refuse(parsed, e.Message);
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
