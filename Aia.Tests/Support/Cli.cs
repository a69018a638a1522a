using Aia.Cli;

namespace Aia.Tests.Support;

/// <summary>Runs the <c>aia</c> command in-process and captures what it prints.</summary>
public static class Cli
{
    private static readonly object Gate = new();

    /// <summary>Exit code, standard output and standard error of <c>aia args...</c>.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        lock (Gate)
        {
            var (stdout, stderr) = (Console.Out, Console.Error);
            using var o = new StringWriter();
            using var e = new StringWriter();
            Console.SetOut(o);
            Console.SetError(e);
            try
            {
                return (Program.Run(args), o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
            }
        }
    }
}
