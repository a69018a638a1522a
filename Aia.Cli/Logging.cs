using Serilog;
using Serilog.Core;

namespace Aia.Cli;

/// <summary>Serilog set-up: the run's log file always; the console too unless progress bars own it.</summary>
public static class Logging
{
    /// <summary>Whether live progress bars are drawn (an interactive terminal and not --quiet).</summary>
    public static bool LiveConsole(bool quiet) => !quiet && !System.Console.IsOutputRedirected && !System.Console.IsErrorRedirected;

    /// <summary>A logger writing to <paramref name="file"/> and, when no progress bars are drawn, to the console.</summary>
    public static Logger ForRun(string file, bool quiet)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.File(file, outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}");
        if (!LiveConsole(quiet))
            config.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Message:lj}{NewLine}{Exception}");
        return config.CreateLogger();
    }

    /// <summary>A console-only logger (commands without a run folder).</summary>
    public static Logger ConsoleOnly() =>
        new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Message:lj}{NewLine}{Exception}").CreateLogger();
}
