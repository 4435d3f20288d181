using System.Diagnostics;
using System.Globalization;
using GfpAnalyzers.Fuzzer;
using GfpAnalyzers.Harness;

// The GfpAnalyzers fuzzer: seeded mutants of the corpus and the samples, every analyzer and every fix applied to each.
//   dotnet run --project tests/GfpAnalyzers.Fuzzer -c Release -- --seed 1 --mutants 20000 [--minutes 600] [--slow-ms 2000]
// Exit code 1 when any mutant found an exception, a bad fix or a nondeterministic result (slow files are reported,
// never failed: timing depends on the machine).
var options = Options.Parse(args);
var root = RepositoryRoot.Find();
var inputs = Inputs(root);
var workbench = new GfpWorkbench(GfpWorkbench.PlatformReferences(typeof(GfpAnalyzers.Runtime.Gfp).Assembly.Location));
var checker = new MutantChecker(workbench);
Console.WriteLine($"fuzzer: seed {options.Seed}, up to {options.Mutants} mutants from #{options.From}, budget {options.Budget.TotalMinutes:F1} min, {inputs.Count} inputs, {workbench.AnalyzerCount} analyzers");

// One untimed pass first: the first analysis of a run pays for loading and JIT-compiling the analyzers, fixes and
// compiler, which would otherwise make mutant #0 of every run (or shard) a "slow file".
await checker.CheckAsync(inputs[0].Source, checkFixes: true, CancellationToken.None);

var watch = Stopwatch.StartNew();
var failures = new List<(int Mutant, string Input, string Mutations, string Source, Failure Failure)>();
var slow = new List<(int Mutant, string Input, TimeSpan Time)>();
int done = 0, compiling = 0;
// --from starts at another mutant index, so a long run can be split into shards that run side by side (each mutant has its own seed).
for (var i = options.Only ?? options.From; i < (options.Only is { } single ? single + 1 : options.From + options.Mutants) && watch.Elapsed < options.Budget; i++)
{
    // Each mutant has its own seed: any one of them can be reproduced alone.
    var mutator = new Mutator(MutantSeed(options.Seed, i));
    var (name, original) = inputs[(int)((uint)unchecked((options.Seed * 31) + i) % (uint)inputs.Count)];
    var (source, mutations) = mutator.Mutate(original);
    var compiles = (await GfpWorkbench.CompilerErrorsAsync(workbench.CreateDocument(source), CancellationToken.None)).IsEmpty;
    compiling += compiles ? 1 : 0;
    var (found, time) = await checker.CheckAsync(source, checkFixes: true, CancellationToken.None);
    done++;
    if (time > options.Slow)
    {
        slow.Add((i, name, time));
    }

    foreach (var failure in found.GroupBy(f => (f.Kind, f.Key)).Select(group => group.First()))
    {
        failures.Add((i, name, mutations, source, failure));
    }

    if (done % 50 == 0)
    {
        Console.WriteLine($"  {done} mutants, {failures.Count} failures, {watch.Elapsed.TotalSeconds:F0} s");
    }
}

Console.WriteLine();
Console.WriteLine("== fuzzer report ==");
Console.WriteLine($"mutants:                 {done} ({compiling} compile) in {watch.Elapsed.TotalSeconds:F0} s ({(done == 0 ? 0 : watch.Elapsed.TotalMilliseconds / done):F0} ms per mutant)");
Console.WriteLine($"exceptions:              {failures.Count(f => f.Failure.Kind == "exception")}");
Console.WriteLine($"bad fixes:               {failures.Count(f => f.Failure.Kind == "bad fix")}");
Console.WriteLine($"nondeterministic:        {failures.Count(f => f.Failure.Kind == "nondeterministic")}");
Console.WriteLine($"slow files (> {options.Slow.TotalMilliseconds:F0} ms):  {slow.Count}");
foreach (var (mutant, input, time) in slow)
{
    Console.WriteLine($"  slow: mutant {mutant} of {input}: {time.TotalMilliseconds:F0} ms");
}

// Minimise one input per distinct failure (kind and key), keeping the report readable.
foreach (var group in failures.GroupBy(f => (f.Failure.Kind, f.Failure.Key)).OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal))
{
    var (mutant, input, mutations, source, failure) = group.First();
    Console.WriteLine();
    Console.WriteLine($"-- {failure.Kind}: {failure.Key}");
    Console.WriteLine($"   {group.Count()} mutant(s), first: mutant {mutant} of {input} ({mutations}); reproduce with --seed {options.Seed} --only {mutant}");
    Console.WriteLine(Indent(Shorten(failure.Detail, 3000)));
    var minimal = await Minimizer.MinimizeAsync(source, async candidate =>
        (await checker.CheckAsync(candidate, checkFixes: failure.Kind == "bad fix" || failure.Key.StartsWith("fix:", StringComparison.Ordinal), CancellationToken.None))
            .Failures.Any(f => f.Kind == failure.Kind && f.Key == failure.Key),
        options.MinimizeBudget);
    Console.WriteLine("   minimised input:");
    Console.WriteLine(Indent(minimal));
}

return failures.Count == 0 ? 0 : 1;

static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "     " + line));

static string Shorten(string text, int length) => text.Length <= length ? text : text.Substring(0, length) + "\n...";

// Seeds of neighbouring mutants pass through SplitMix64's finalizer: System.Random with nearby seeds (s and s + 10000)
// makes correlated choices, which made mutants i and i + 10000 mutate alike.
static int MutantSeed(int seed, int mutant)
{
    unchecked
    {
        var z = ((ulong)(uint)seed << 32 | (uint)mutant) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }
}

// The corpus and every sample file that uses the runtime, in a stable order.
static List<(string Name, string Source)> Inputs(string root)
{
    var corpus = Directory.GetFiles(Path.Combine(root, "tests", "Corpus"), "*.txt");
    var samples = Directory.GetFiles(Path.Combine(root, "samples"), "*.cs", SearchOption.AllDirectories)
        .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"));
    return corpus.Concat(samples)
        .Select(path => (Name: Path.GetRelativePath(root, path), Source: File.ReadAllText(path)))
        .Where(input => input.Source.Contains("GfpAnalyzers.Runtime", StringComparison.Ordinal))
        .OrderBy(input => input.Name, StringComparer.Ordinal)
        .ToList();
}

internal sealed record Options(int Seed, int Mutants, TimeSpan Budget, TimeSpan Slow, TimeSpan MinimizeBudget, int? Only, int From)
{
    public static Options Parse(string[] args)
    {
        int seed = 1, mutants = 100;
        double minutes = 60 * 24, slowMs = 2000, minimizeSeconds = 60;
        int? only = null;
        var from = 0;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--mutants": mutants = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--minutes": minutes = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": minutes = double.Parse(Next(), CultureInfo.InvariantCulture) / 60; break;
                case "--slow-ms": slowMs = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--minimize-seconds": minimizeSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--only": only = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--from": from = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]} (--seed N --mutants M --minutes T --seconds T --slow-ms MS --minimize-seconds S --only I --from I)");
            }
        }

        return new Options(seed, mutants, TimeSpan.FromMinutes(minutes), TimeSpan.FromMilliseconds(slowMs), TimeSpan.FromSeconds(minimizeSeconds), only, from);
    }
}
