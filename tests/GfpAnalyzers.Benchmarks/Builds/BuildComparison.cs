using System.Diagnostics;
using GfpAnalyzers.Benchmarks.Corpus;

namespace GfpAnalyzers.Benchmarks.Builds;

/// <summary>
/// `build`: real <c>dotnet build --no-incremental -c Release</c> runs of the generated corpus at each size, with
/// analyzers off / ours / CA2000 / both, alternated (each round starts with the next configuration, after one
/// untimed build of each that warms the compiler server and checks that the compiler got exactly the analyzers the
/// configuration names), and prints the medians and the ratios the targets are stated in.
/// </summary>
internal static class BuildComparison
{
    private sealed record Configuration(string Name, bool Ours, bool Ca2000, bool Before = false);

    private static readonly Configuration[] Standard =
    [
        new("off", Ours: false, Ca2000: false), new("ours", Ours: true, Ca2000: false), new("CA2000", Ours: false, Ca2000: true), new("both", Ours: true, Ca2000: true),
    ];

    private static Configuration[] Configurations = Standard;

    /// <param name="noServer">
    /// No compiler server and no MSBuild node reuse: every build compiles in processes that end with it, so their CPU
    /// time is counted too (getrusage of the children), a figure the load of a shared machine does not inflate.
    /// </param>
    /// <param name="beforeAnalyzers">
    /// An older GfpAnalyzers.Analyzers.dll: a fifth configuration, "before", alternated with the others, so that one run
    /// gives a change's before and after under the same conditions.
    /// </param>
    /// <param name="only">
    /// The configurations to build (names as printed), or null for all; "off" and "ours" are always built, the ratios need them.
    /// </param>
    public static int Run(IReadOnlyList<int> sizes, int rounds, string outDirectory, bool dry, bool noServer = false, string? beforeAnalyzers = null, IReadOnlyCollection<string>? only = null)
    {
        try
        {
            return RunSizes(sizes, rounds, outDirectory, dry, noServer, beforeAnalyzers, only);
        }
        finally
        {
            if (!noServer && Directory.Exists(outDirectory))
            {
                // The builds started a compiler server: leave none running (it would idle for minutes, holding its memory).
                Dotnet(outDirectory, ["build-server", "shutdown", "--vbcscompiler"]);
            }
        }
    }

    private static int RunSizes(IReadOnlyList<int> sizes, int rounds, string outDirectory, bool dry, bool noServer, string? beforeAnalyzers, IReadOnlyCollection<string>? only)
    {
        s_noServer = noServer;
        if (beforeAnalyzers is not null && !File.Exists(beforeAnalyzers))
        {
            Console.Error.WriteLine($"--before: no file '{beforeAnalyzers}' (give the path of an older GfpAnalyzers.Analyzers.dll).");
            return 1;
        }

        Configuration[] all = beforeAnalyzers is null ? Standard : [.. Standard, new("before", Ours: false, Ca2000: false, Before: true)];
        Configurations = [.. all.Where(c => only is null || c.Name is "off" or "ours" || only.Contains(c.Name))];
        Console.WriteLine($"build: sizes {string.Join("/", sizes)} lines, {rounds} alternated round(s), {(noServer ? "no compiler server (CPU counted)" : "compiler server (its CPU counted)")}, corpus under {outDirectory}; {Stats.Load()}");
        var summary = new List<string>();
        foreach (var size in sizes)
        {
            var files = CorpusGenerator.Generate(size);
            var lines = files.Sum(f => f.Lines);
            var directory = Path.Combine(outDirectory, $"corpus-{size}");
            CorpusProject.Write(directory, files, beforeAnalyzers);
            if (Dotnet(directory, ["restore", CorpusProject.ProjectFile, "-nologo", "-tl:off", "-v:q"]) is { ExitCode: not 0 } restore)
            {
                Console.Error.WriteLine(restore.Output);
                return 1;
            }

            var times = Configurations.ToDictionary(c => c.Name, _ => new List<double>());
            var cpu = Configurations.ToDictionary(c => c.Name, _ => new List<double>());
            var serverCpu = Configurations.ToDictionary(c => c.Name, _ => new List<double>());
            // Without a server there is nothing to warm: the check builds run only in the dry run.
            foreach (var configuration in noServer && !dry ? [] : Configurations)
            {
                var warmUp = Build(directory, configuration, verbosity: "n");
                var mismatch = warmUp.ExitCode != 0 ? "the build failed" : Mismatch(configuration, warmUp.Output);
                if (mismatch is not null)
                {
                    Console.Error.WriteLine(warmUp.Output);
                    Console.Error.WriteLine($"The {configuration.Name} build of the {size}-line corpus failed or ran other analyzers than it should: {mismatch}.");
                    return 1;
                }
            }

            if (dry)
            {
                Console.WriteLine($"  {lines} lines: every configuration builds (dry run: nothing timed)");
                continue;
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < Configurations.Length; k++)
                {
                    var configuration = Configurations[(round + k) % Configurations.Length];
                    // With the server, normal verbosity: the log says whether the server did compile (it falls back to a
                    // compiler process of its own when it cannot be reached), and only then does its CPU count the compile.
                    var result = Build(directory, configuration, verbosity: noServer ? "q" : "n");
                    if (result.ExitCode != 0)
                    {
                        Console.Error.WriteLine(result.Output);
                        return 1;
                    }

                    times[configuration.Name].Add(result.Elapsed.TotalMilliseconds);
                    cpu[configuration.Name].Add(result.Cpu.TotalMilliseconds);
                    serverCpu[configuration.Name].Add(result.Output.Contains(ServerCompiled, StringComparison.Ordinal) ? result.ServerCpu.TotalMilliseconds : double.NaN);
                }
            }

            var off = Stats.Median(times["off"]);
            var ours = Stats.Median(times["ours"]);
            var ca2000 = MedianOrNaN(times, "CA2000");
            var both = MedianOrNaN(times, "both");
            var kloc = lines / 1000.0;
            var line = $"{lines,7} lines: off {off / 1000,6:F2} s, ours {ours / 1000,6:F2} s, CA2000 {ca2000 / 1000,6:F2} s, both {both / 1000,6:F2} s | "
                + $"ours/off {ours / off:F3}, ours cost/CA2000 cost {(ours - off) / (ca2000 - off):F2}, "
                + $"per kloc: off {off / kloc:F1} ms, ours {ours / kloc:F1} ms, our cost {(ours - off) / kloc:F1} ms | {Stats.Load()}";
            if (times.TryGetValue("before", out var beforeTimes))
            {
                var before = Stats.Median(beforeTimes);
                line += $"\n           before {before / 1000,6:F2} s: before/off {before / off:F3}, before cost/CA2000 cost {(before - off) / (ca2000 - off):F2}, our cost/before cost {(ours - off) / (before - off):F2}";
            }

            if (noServer)
            {
                var (cOff, cOurs, cCa2000) = (Stats.Median(cpu["off"]), Stats.Median(cpu["ours"]), MedianOrNaN(cpu, "CA2000"));
                line += $"\n           CPU: off {cOff / 1000,6:F2} s, ours {cOurs / 1000,6:F2} s, CA2000 {cCa2000 / 1000,6:F2} s, both {MedianOrNaN(cpu, "both") / 1000,6:F2} s | "
                    + $"ours/off {cOurs / cOff:F3}, ours cost/CA2000 cost {(cOurs - cOff) / (cCa2000 - cOff):F2}, our cost per kloc {(cOurs - cOff) / kloc:F1} ms";
                if (cpu.TryGetValue("before", out var beforeCpu))
                {
                    var cBefore = Stats.Median(beforeCpu);
                    line += $"\n           CPU before {cBefore / 1000,6:F2} s: before/off {cBefore / cOff:F3}, our cost/before cost {(cOurs - cOff) / (cBefore - cOff):F2}";
                }
            }

            else
            {
                line += "\n           " + ServerCpuLine(serverCpu, kloc);
            }

            Console.WriteLine("  " + line);
            Console.WriteLine("    runs (ms): " + string.Join("; ", Configurations.Select(c => $"{c.Name} {string.Join(" ", times[c.Name].Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}")));
            summary.Add(line);
        }

        if (!dry)
        {
            Console.WriteLine("summary (medians):");
            summary.ForEach(line => Console.WriteLine("  " + line));
        }

        return 0;
    }

    /// <summary>
    /// The compiler server's CPU per build (the compile alone, warm): medians, and the ratio to "off" of the builds of the same
    /// round (a few seconds apart: the machine's speed drifts over minutes, so a round's pair shares its conditions).
    /// </summary>
    private static string ServerCpuLine(Dictionary<string, List<double>> serverCpu, double kloc)
    {
        var off = serverCpu["off"];
        string RatioToOff(string name)
        {
            var ratios = serverCpu[name].Select((value, round) => value / off[round]).Where(double.IsFinite).ToList();
            return ratios.Count == 0 ? $"{name}/off n/a" : $"{name}/off {Stats.Median(ratios):F3} ({ratios.Min():F3}..{ratios.Max():F3})";
        }

        var medians = string.Join(", ", serverCpu.Select(c => $"{c.Key} {Stats.Median(c.Value.Where(double.IsFinite)) / 1000:F2} s"));
        var ratios = string.Join(", ", serverCpu.Keys.Where(name => name != "off").Select(RatioToOff));
        var ourCost = Stats.Median(serverCpu["ours"].Select((value, round) => value - off[round]).Where(double.IsFinite));
        var fellBack = serverCpu.Values.Sum(values => values.Count(double.IsNaN));
        return $"compiler server CPU (the compile alone): {medians} | per round: {ratios} | our cost per kloc {ourCost / kloc:F1} ms"
            + (fellBack > 0 ? $" | {fellBack} build(s) compiled without the server, left out" : string.Empty);
    }

    /// <summary>The median of a configuration's runs; NaN (printed as such) for a configuration left out with --configurations.</summary>
    private static double MedianOrNaN(Dictionary<string, List<double>> runs, string name)
        => runs.TryGetValue(name, out var values) && values.Count > 0 ? Stats.Median(values) : double.NaN;

    /// <summary>
    /// What in the compiler's command line (and output) contradicts the configuration: our analyzer assembly passed
    /// or not, the SDK's analyzers passed with CA2000 reporting or not. Null when it is what the name says.
    /// </summary>
    private static string? Mismatch(Configuration configuration, string output)
    {
        var ours = output.Contains("/analyzer:lib/GfpAnalyzers.Analyzers.dll", StringComparison.Ordinal);
        var before = output.Contains("/analyzer:lib-before/GfpAnalyzers.Analyzers.dll", StringComparison.Ordinal);
        var netAnalyzers = output.Contains("Microsoft.CodeAnalysis.NetAnalyzers.dll", StringComparison.Ordinal);
        var ca2000 = output.Contains("warning CA2000", StringComparison.Ordinal);
        return ours != configuration.Ours ? $"GfpAnalyzers {(ours ? "ran" : "did not run")}"
            : before != configuration.Before ? $"the older GfpAnalyzers {(before ? "ran" : "did not run")}"
            : netAnalyzers != configuration.Ca2000 || ca2000 != configuration.Ca2000 ? $"the .NET analyzers {(netAnalyzers ? "ran" : "did not run")}, CA2000 {(ca2000 ? "reported" : "did not report")}"
            : null;
    }

    private static bool s_noServer;

    /// <summary>What the compiler task logs (normal verbosity) when the compiler server compiled the project.</summary>
    private const string ServerCompiled = "CompilerServer: server - server processed compilation";

    private static (int ExitCode, TimeSpan Elapsed, TimeSpan Cpu, TimeSpan ServerCpu, string Output) Build(string directory, Configuration configuration, string verbosity)
    {
        var server = CompilerServerCpu.Snapshot();
        var (exitCode, elapsed, cpu, output) = Dotnet(directory,
        [
            "build", CorpusProject.ProjectFile, "--no-incremental", "--no-restore", "-c", "Release", "-nologo", "-tl:off", $"-v:{verbosity}",
            $"-p:BenchOurs={(configuration.Ours ? "true" : "false")}", $"-p:BenchCa2000={(configuration.Ca2000 ? "true" : "false")}",
            $"-p:BenchBefore={(configuration.Before ? "true" : "false")}",
            // The server is the default, but an environment may turn it off (UseSharedCompilation=false is set in this
            // machine's environment): say which one is meant.
            .. (s_noServer ? new[] { "-nodeReuse:false", "-p:UseSharedCompilation=false" } : ["-p:UseSharedCompilation=true"]),
        ]);
        return (exitCode, elapsed, cpu, CompilerServerCpu.Since(server), output);
    }

    private static (int ExitCode, TimeSpan Elapsed, TimeSpan Cpu, string Output) Dotnet(string directory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var cpuBefore = CpuTime.Children();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        watch.Stop();
        return (process.ExitCode, watch.Elapsed, CpuTime.Children() - cpuBefore, output.Result + error.Result);
    }
}
