using System.Collections.Immutable;
using System.Text;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// The lock flow follows bool conditions, so N independent conditions could mean 2^N paths. Its work per method
/// is bounded: these methods must be analysed in well under the timeout (exponential work would need hours),
/// and where the analysis gives up on conditions the rules stay silent rather than guess.
/// </summary>
public class AtomicContextBudgetTests
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return framework.Add(TestEnvironment.RuntimeReference);
    });

    private static ImmutableArray<DiagnosticAnalyzer> ContextRules()
        => ImmutableArray.Create<DiagnosticAnalyzer>(
            new GFP008UnbalancedRcuReadLockAnalyzer(), new GFP009SleepingCallInRcuSectionAnalyzer(), new AllocationContextAnalyzer());

    /// <summary>`if (cK) lock; alloc; if (!cK) sleep; if (cK) unlock;` for N bool parameters: every pair balances.</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(30)]
    [InlineData(40)]
    public async Task Many_correlated_bool_parameters_are_analysed_quickly_and_quietly(int conditions)
    {
        var body = new StringBuilder();
        for (var k = 0; k < conditions; k++)
        {
            body.AppendLine($"        if (c{k}) rcu.ReadLock();");
            body.AppendLine("        a.AllocPage(Gfp.High);");
            body.AppendLine($"        if (!c{k}) rcu.Synchronize();");
            body.AppendLine($"        if (c{k}) rcu.ReadUnlock();");
        }

        var parameters = string.Join(", ", Enumerable.Range(0, conditions).Select(k => $"bool c{k}"));
        await AssertQuietAsync($$"""
            class C
            {
                void M(PageAllocator a, Rcu rcu, {{parameters}})
                {
            {{body}}    }
            }
            """);
    }

    /// <summary>All the locks first and all the unlocks later (locals set from a parameter), flags chosen on the way.</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(30)]
    [InlineData(40)]
    public async Task Many_bool_locals_locking_first_and_unlocking_later_are_analysed_quickly_and_quietly(int conditions)
    {
        var locks = new StringBuilder();
        var unlocks = new StringBuilder();
        for (var k = 0; k < conditions; k++)
        {
            locks.AppendLine($"        bool b{k} = x > {k}; if (b{k}) rcu.ReadLock();");
            unlocks.AppendLine($"        if (b{k}) rcu.ReadUnlock();");
        }

        await AssertQuietAsync($$"""
            class C
            {
                void M(PageAllocator a, Rcu rcu, int x)
                {
            {{locks}}        a.AllocPage(Gfp.High);
            {{unlocks}}    }
            }
            """);
    }

    /// <summary>
    /// Every kind of lock, with TryLocks whose results are stored in bools (each splits the paths in two) and released
    /// under the same bool later: the paths multiply, the work must not.
    /// </summary>
    [Theory]
    [InlineData(16)]
    [InlineData(40)]
    public async Task Many_trylocks_and_mixed_lock_kinds_are_analysed_quickly_and_quietly(int conditions)
    {
        var locks = new StringBuilder();
        var unlocks = new StringBuilder();
        var enters = new[] { "Preempt.Disable();", "LocalBh.Disable();", "_rw.ReadLock();", "LocalIrq.Disable();" };
        var exits = new[] { "Preempt.Enable();", "LocalBh.Enable();", "_rw.ReadUnlock();", "LocalIrq.Enable();" };
        for (var k = 0; k < conditions; k++)
        {
            locks.AppendLine($"        bool t{k} = _lock{k % 2}.TryLock(); if (c{k}) {enters[k % 4]} a.AllocPage(Gfp.Atomic);");
            unlocks.AppendLine($"        if (c{k}) {exits[k % 4]} if (t{k}) _lock{k % 2}.Unlock();");
        }

        var parameters = string.Join(", ", Enumerable.Range(0, conditions).Select(k => $"bool c{k}"));
        await AssertQuietAsync($$"""
            class C
            {
                readonly KSpinLock _lock0 = new(); readonly KSpinLock _lock1 = new(); readonly KRwLock _rw = new();

                void M(PageAllocator a, {{parameters}})
                {
            {{locks}}{{unlocks}}    }
            }
            """);
    }

    private static async Task AssertQuietAsync(string body)
    {
        var source = TestEnvironment.Usings + body;
        var compilation = CSharpCompilation.Create(
            "Budget",
            [CSharpSyntaxTree.ParseText(source)],
            await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (e, _, _) => { lock (exceptions) { exceptions.Add(e); } },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);

        // Generous, so a loaded machine never fails it; exponential work would take far longer.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var diagnostics = await compilation.WithAnalyzers(ContextRules(), options).GetAnalyzerDiagnosticsAsync(timeout.Token);

        Assert.Empty(exceptions);
        Assert.Empty(diagnostics);
    }
}
