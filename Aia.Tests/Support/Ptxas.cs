using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Aia.Tests.Support;

/// <summary>
/// NVIDIA's PTX assembler (ptxas 11.8 from Debian's non-free nvidia-cuda-toolkit, fetched by <c>.ci/ptxas.sh</c>),
/// run on the PTX ILGPU emits, and its <c>-v</c> report parsed. Found through the <c>AIA_PTXAS</c> variable (CI sets
/// it; then a missing or broken ptxas is an error, not a reason to skip), else <c>ptxas</c> on the PATH or the
/// cache of <c>.ci/ptxas.sh</c>.
/// </summary>
internal static partial class Ptxas
{
    /// <summary>Path of a working ptxas, or null with the reason why there is none.</summary>
    public static (string? Path, string Reason) Find()
    {
        string? set = Environment.GetEnvironmentVariable("AIA_PTXAS");
        if (!string.IsNullOrEmpty(set))
            return Runs(set) ? (set, "") : throw new InvalidOperationException($"AIA_PTXAS={set} is set but does not run ('{set} --version' failed).");
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => System.IO.Path.Combine(p, "ptxas"))
            .Append(System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "aia-ptxas", "ptxas"));
        foreach (var c in candidates)
            if (File.Exists(c) && Runs(c))
                return (c, "");
        return (null, "ptxas (NVIDIA's PTX assembler) was not found: set AIA_PTXAS, put ptxas on the PATH, or run .ci/ptxas.sh (as root) to fetch it.");
    }

    /// <summary>Assembles <paramref name="ptx"/> for <paramref name="arch"/> (sm_80, sm_90) and parses the report.</summary>
    public static Report Assemble(string ptxas, string ptx, string arch)
    {
        string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"aia-{Guid.NewGuid():N}.ptx");
        File.WriteAllText(file, ptx);
        try
        {
            var (code, output) = Run(ptxas, $"-v -arch={arch} -o /dev/null {file}");
            return Report.Parse(code, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static bool Runs(string path)
    {
        try
        {
            return Run(path, "--version").Code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static (int Code, string Output) Run(string path, string arguments)
    {
        var info = new ProcessStartInfo(path, arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    /// <summary>What ptxas -v says of the one entry function of a kernel.</summary>
    /// <param name="ExitCode">ptxas's exit code (0: assembled).</param>
    /// <param name="Output">Its whole output.</param>
    /// <param name="Registers">Registers per thread.</param>
    /// <param name="SharedBytes">Static shared memory (dynamic shared memory is a launch parameter).</param>
    /// <param name="StackBytes">Stack frame (local memory).</param>
    /// <param name="SpillBytes">Spill stores plus spill loads.</param>
    /// <param name="LocalBytes">lmem in the usage line.</param>
    public sealed record Report(int ExitCode, string Output, int Registers, int SharedBytes, int StackBytes, int SpillBytes, int LocalBytes)
    {
        public static Report Parse(int code, string output)
        {
            int Sum(Regex r) => r.Matches(output).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            int Max(Regex r) => r.Matches(output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            return new Report(code, output, Max(RegistersRegex()), Max(SharedRegex()), Max(StackRegex()),
                Sum(SpillStoresRegex()) + Sum(SpillLoadsRegex()), Max(LocalRegex()));
        }

        /// <summary>Whether ptxas found a usage line (it assembled an entry).</summary>
        public bool HasUsage => UsageRegex().IsMatch(Output);
    }

    /// <summary>Integer divisions and remainders by a register (not an immediate) in <paramref name="ptx"/>.</summary>
    public static int RuntimeDivisions(string ptx) => RuntimeDivisionRegex().Count(ptx);

    [GeneratedRegex(@"\b(?:div|rem)\.[su](?:32|64)\s+%\w+,\s*[^,;]+,\s*%\w+;")]
    private static partial Regex RuntimeDivisionRegex();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex RegistersRegex();

    [GeneratedRegex(@"(\d+) bytes smem")]
    private static partial Regex SharedRegex();

    [GeneratedRegex(@"(\d+) bytes lmem")]
    private static partial Regex LocalRegex();

    [GeneratedRegex(@"(\d+) bytes stack frame")]
    private static partial Regex StackRegex();

    [GeneratedRegex(@"(\d+) bytes spill stores")]
    private static partial Regex SpillStoresRegex();

    [GeneratedRegex(@"(\d+) bytes spill loads")]
    private static partial Regex SpillLoadsRegex();

    [GeneratedRegex(@"Used \d+ registers")]
    private static partial Regex UsageRegex();
}
