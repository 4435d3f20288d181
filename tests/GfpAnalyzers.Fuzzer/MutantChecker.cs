using System.Diagnostics;
using GfpAnalyzers.Harness;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Fuzzer;

/// <summary>One problem found on one input: its kind, a key that identifies it (for minimising) and the details.</summary>
internal sealed record Failure(string Kind, string Key, string Detail);

/// <summary>
/// What the fuzzer checks on one input: every analyzer runs without an exception, twice with the same result;
/// every offered fix and Fix All applies without an exception and, on code that compiled, adds no compiler
/// error, leaves fewer diagnostics of its own rule and no more of any other rule.
/// </summary>
internal sealed class MutantChecker
{
    private readonly GfpWorkbench _workbench;

    public MutantChecker(GfpWorkbench workbench) => _workbench = workbench;

    public async Task<(List<Failure> Failures, TimeSpan AnalysisTime)> CheckAsync(string source, bool checkFixes, CancellationToken cancellationToken)
    {
        var failures = new List<Failure>();
        var document = _workbench.CreateDocument(source);
        var compiles = (await GfpWorkbench.CompilerErrorsAsync(document, cancellationToken)).IsEmpty;
        var watch = Stopwatch.StartNew();
        var first = await _workbench.AnalyzeAsync(document, concurrent: true, cancellationToken);
        var analysisTime = watch.Elapsed;
        foreach (var failure in first.Failures)
        {
            failures.Add(new Failure("exception", "analyzer: " + FirstLine(failure), failure));
        }

        // A fresh workspace and compilation: nothing cached by the first run.
        var second = await _workbench.AnalyzeAsync(_workbench.CreateDocument(source), concurrent: true, cancellationToken);
        if (first.Fingerprint() != second.Fingerprint())
        {
            failures.Add(new Failure("nondeterministic", "diagnostics differ between runs",
                "run 1:\n" + first.Fingerprint() + "\nrun 2:\n" + second.Fingerprint()));
        }

        if (!checkFixes || first.Diagnostics.IsEmpty)
        {
            return (failures, analysisTime);
        }

        var before = CountById(first.Diagnostics);
        var outcomes = await _workbench.ApplyEveryFixAsync(document, first.Diagnostics, includeFixAll: true, cancellationToken);
        var checkedResults = new Dictionary<string, List<Failure>>(StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            var what = $"{outcome.Title} ({outcome.Diagnostic.Id})";
            if (outcome.Error is { } error)
            {
                failures.Add(new Failure("exception", "fix: " + what + ": " + error.GetType().Name, error.ToString()));
                continue;
            }

            if (outcome.Result is null || !compiles)
            {
                continue;
            }

            var text = (await outcome.Result.GetTextAsync(cancellationToken)).ToString();
            if (!checkedResults.TryGetValue(text, out var problems))
            {
                checkedResults[text] = problems = await CheckFixedAsync(text, before, outcome.Diagnostic.Id, cancellationToken);
            }

            foreach (var problem in problems)
            {
                failures.Add(new Failure("bad fix", what + ": " + problem.Key, problem.Detail + "\n--- fixed code ---\n" + text));
            }
        }

        return (failures, analysisTime);
    }

    private async Task<List<Failure>> CheckFixedAsync(string text, Dictionary<string, int> before, string rule, CancellationToken cancellationToken)
    {
        var problems = new List<Failure>();
        var document = _workbench.CreateDocument(text);
        var errors = await GfpWorkbench.CompilerErrorsAsync(document, cancellationToken);
        if (!errors.IsEmpty)
        {
            problems.Add(new Failure("bad fix", "new compiler error " + errors[0].Id, string.Join("\n", errors.Select(e => e.ToString()))));
            return problems;
        }

        var after = await _workbench.AnalyzeAsync(document, concurrent: true, cancellationToken);
        var counts = CountById(after.Diagnostics);
        if (counts.GetValueOrDefault(rule) >= before.GetValueOrDefault(rule))
        {
            problems.Add(new Failure("bad fix", $"{rule} remains", after.Fingerprint()));
        }

        foreach (var (id, count) in counts.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (id != rule && count > before.GetValueOrDefault(id))
            {
                problems.Add(new Failure("bad fix", $"new {id}", after.Fingerprint()));
            }
        }

        return problems;
    }

    private static Dictionary<string, int> CountById(IEnumerable<Diagnostic> diagnostics)
        => diagnostics.GroupBy(d => d.Id).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        var line = end < 0 ? text : text.Substring(0, end);
        return line.Length > 160 ? line.Substring(0, 160) : line;
    }
}
