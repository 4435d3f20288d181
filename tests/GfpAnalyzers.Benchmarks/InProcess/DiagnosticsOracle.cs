using System.Globalization;
using GfpAnalyzers.Benchmarks.Corpus;
using GfpAnalyzers.Fuzzer;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// `diagnostics`: every diagnostic our analyzers report (ID, file, span, message), sorted, on the generated corpus,
/// on the tracker corpus and each sample project, and on seeded mutants of those (broken code included, where the
/// rules do report). A performance change must leave this output identical byte for byte: save it before the change,
/// compare after. It times nothing.
/// </summary>
internal static class DiagnosticsOracle
{
    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, int mutants, TextWriter output)
    {
        var units = new List<(string Unit, IReadOnlyList<(string Name, string Text)> Files)>();
        var corpora = sizes.Select(size => (Size: size, Files: CorpusGenerator.Generate(size))).ToList();
        foreach (var (size, files) in corpora)
        {
            units.Add(($"corpus-{size}", files.Select(f => (f.Name, f.Text)).ToList()));
        }

        var inputs = Inputs(GfpAnalyzers.Harness.RepositoryRoot.Find());
        units.AddRange(inputs.Select(input => (input.Unit, input.Files)));

        // Mutants of single files, as the fuzzer makes them: each seed picks an input file (a sample or the tracker
        // corpus) and mutates it; then a third as many of the first generated corpus' allocator-style files.
        var samples = inputs.SelectMany(input => input.Files).ToList();
        var generated = corpora[0].Files.Where(f => f.IsAllocatorCode).Select(f => (f.Name, f.Text)).ToList();
        for (var i = 0; i < mutants + (mutants / 3); i++)
        {
            var (name, text) = i < mutants ? samples[i % samples.Count] : generated[(i - mutants) % generated.Count];
            var (mutated, _) = new Mutator(unchecked((20261130 * 31) + i)).Mutate(text);
            units.Add(($"mutant-{i:D4}", [(name, mutated)]));
        }

        var failures = 0;
        foreach (var (unit, files) in units)
        {
            var compilation = CorpusCompilation.Create(files, "Oracle");
            var run = await AnalyzerRun.RunAsync(compilation, AnalyzerSets.Ours);
            failures += run.Failures.Count();
            var lines = run.Diagnostics.Select(d => Format(unit, d)).Order(StringComparer.Ordinal).ToList();
            output.WriteLine($"== {unit}: {files.Count} file(s), {lines.Count} diagnostic(s)");
            foreach (var line in lines)
            {
                output.WriteLine(line);
            }
        }

        output.Flush();
        Console.Error.WriteLine($"diagnostics: {units.Count} compilations, {failures} analyzer failure(s)");
        return failures == 0 ? 0 : 1;
    }

    private static string Format(string unit, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var where = diagnostic.Location.IsInSource
            ? string.Create(CultureInfo.InvariantCulture, $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}-{span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1})")
            : "(no location)";
        var additional = string.Join(";", diagnostic.AdditionalLocations.Select(l => l.GetLineSpan()).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.StartLinePosition.Line + 1},{s.StartLinePosition.Character + 1}")));
        return string.Create(CultureInfo.InvariantCulture, $"{unit} {diagnostic.Id} {diagnostic.Severity} {where} [{additional}] {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
    }

    /// <summary>The tracker corpus (one file) and each sample project (its files together), in name order.</summary>
    private static List<(string Unit, IReadOnlyList<(string Name, string Text)> Files)> Inputs(string root)
    {
        var units = new List<(string, IReadOnlyList<(string, string)>)>
        {
            ("tests/Corpus/EarlyPfnTracker.txt", [("EarlyPfnTracker.cs", GfpAnalyzers.Corpus.CorpusFiles.EarlyPfnTracker)]),
        };
        foreach (var directory in Directory.GetDirectories(Path.Combine(root, "samples")).Order(StringComparer.Ordinal))
        {
            var files = Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
                .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
                .Order(StringComparer.Ordinal)
                .Select(path => (Path.GetRelativePath(root, path), File.ReadAllText(path)))
                .ToList();
            if (files.Any(f => f.Item2.Contains("GfpAnalyzers.Runtime", StringComparison.Ordinal)))
            {
                units.Add((Path.GetRelativePath(root, directory), files));
            }
        }

        return units;
    }
}
