using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using GfpAnalyzers.Benchmarks;
using GfpAnalyzers.Benchmarks.Builds;
using GfpAnalyzers.Benchmarks.Corpus;
using GfpAnalyzers.Benchmarks.InProcess;
using GfpAnalyzers.Benchmarks.Runtime;

// Commands (docs/benchmarks.md has the figures and the exact invocations):
//   build     [--sizes 25000,50000,100000,200000] [--rounds 5] [--out DIR] [--no-server] [--before OLD/GfpAnalyzers.Analyzers.dll]
//             [--configurations off,ours,CA2000,both,before]                   (off and ours are always built)
//                                                                             real dotnet builds: off / ours / CA2000 / both
//   editor    [--lines 100000] [--files 10] [--sessions 3] [--before OLD.dll] one-file analysis latency, warm, ours vs CA2000
//   breakdown [--lines 100000] [--runs 3] [--before OLD.dll] [--rules]        in process: floor / baseline / ours / CA2000 / before, warmed up,
//                                                                             rotated every run; cost beyond the floor, ratios, analyzer telemetry;
//                                                                             --rules adds each rule as an analyzer of its own (telemetry by rule)
//   blowup    [--sizes 75,150,300,600]                                        one method with N correlated bools; one with N NoCodetag pages
//                                                                             (clear right before the free, and a statement apart)
//   profile   [--lines 100000 | --blowup N] [--out DIR] [--top 25] [--callers LEAF]
//                                                                             sampling profile of our analyzers (EventPipe, in-process)
//   corpus    [--lines 100000] [--out DIR]                                    only writes the corpus project (for -p:ReportAnalyzer=true)
//   diagnostics [--sizes 25000] [--mutants 300]                               every diagnostic, sorted (the oracle of a performance change)
//   --telemetry [copies]                                                      each analyzer's time once on copies of the tracker corpus
//   --dry                                                                     every command above, tiny, nothing timed (CI)
//   [--cpu-clock] anything else goes to BenchmarkDotNet (runtime hot paths, analyzers vs compiler), e.g. --filter '*Pfn*'
var options = Options.Parse(args);
switch (args.FirstOrDefault())
{
    case "build":
        return BuildComparison.Run(options.Sizes([25_000, 50_000, 100_000, 200_000]), options.Int("--rounds", 5), options.OutDirectory, dry: false, noServer: args.Contains("--no-server"), beforeAnalyzers: options.Text("--before"), only: options.Text("--configurations")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    case "editor":
        return await EditorLatency.RunAsync(options.Int("--lines", 100_000), options.Int("--files", 10), options.Int("--sessions", 3), dry: false, options.Text("--before"));
    case "breakdown":
        return await AnalyzerBreakdown.RunAsync(options.Int("--lines", 100_000), options.Int("--runs", 3), dry: false, options.Text("--before"), rulesAlone: args.Contains("--rules"));
    case "blowup":
        return await BlowUp.RunAsync(options.Sizes([75, 150, 300, 600]), dry: false);
    case "profile":
        return await SamplingProfile.RunAsync(options.Int("--lines", 100_000), options.Int("--blowup", 0), options.OutDirectory, options.Int("--top", 25), options.Text("--callers"));
    case "diagnostics":
        return await DiagnosticsOracle.RunAsync(options.Sizes([25_000]), options.Int("--mutants", 300), Console.Out);
    case "--telemetry":
        return await TrackerCorpusTelemetry.RunAsync(args.Length > 1 && int.TryParse(args[1], out var copies) && copies > 0 ? copies : 200);
    case "corpus":
        var files = CorpusGenerator.Generate(options.Int("--lines", 100_000));
        var directory = Path.Combine(options.OutDirectory, $"corpus-{options.Int("--lines", 100_000)}");
        CorpusProject.Write(directory, files);
        Console.WriteLine($"{directory}/{CorpusProject.ProjectFile}: {files.Count} files, {files.Sum(f => f.Lines)} lines");
        return 0;
    case "--dry":
        // Proves every command still runs (the corpus compiles, every configuration builds, no analyzer fails); times nothing.
        var dryOut = Path.Combine(Path.GetTempPath(), $"gfpanalyzers-bench-dry-{Environment.ProcessId}");
        try
        {
            var failed = BuildComparison.Run([1_500], rounds: 0, dryOut, dry: true) != 0
                || await EditorLatency.RunAsync(4_000, filesPerKind: 2, sessions: 1, dry: true) != 0
                || await AnalyzerBreakdown.RunAsync(2_000, runs: 1, dry: true, rulesAlone: true) != 0
                || await BlowUp.RunAsync([3], dry: true) != 0
                || await DiagnosticsOracle.RunAsync([1_500], mutants: 3, TextWriter.Null) != 0
                || RuntimeBenchmarksDryRun.Run() != 0;
            Console.WriteLine(failed ? "benchmark dry run FAILED" : "benchmark dry run OK");
            return failed ? 1 : 0;
        }
        finally
        {
            if (Directory.Exists(dryOut))
            {
                Directory.Delete(dryOut, recursive: true);
            }
        }

    default:
        // --cpu-clock: time the thread's CPU instead of the wall clock (single-threaded cases on a loaded machine), in process.
        var config = args.Contains("--cpu-clock")
            ? DefaultConfig.Instance.AddJob(Job.Default.WithClock(new ThreadCpuClock()).WithToolchain(new BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain(TimeSpan.FromHours(2), logOutput: true)).WithId("cpu-clock"))
            : null;
        BenchmarkSwitcher.FromAssembly(typeof(AnalyzerBenchmarks).Assembly).Run(args.Where(a => a != "--cpu-clock").ToArray(), config);
        return 0;
}
