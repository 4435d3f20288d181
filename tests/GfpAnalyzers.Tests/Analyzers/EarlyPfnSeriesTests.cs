using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Corpus;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// The early-PFN tracker series (DOMAIN.md), version by version, with every flag rule on: each version
/// that went wrong gets the diagnostic review found, naming the offending bits; v6 is clean.
/// </summary>
public class EarlyPfnSeriesTests
{
    // The recording path runs under rcu_read_lock(): fn = rcu_dereference(ptr); fn(pfn, gfp).
    private static string Tracker(string flags) => TestEnvironment.Usings + $$"""
        sealed class Tracker
        {
            private readonly PageAllocator _allocator = new();
            private readonly Rcu _rcu = new();

            public void OnAllocation(ulong pfn, Gfp gfp)
            {
                using (_rcu.ReadLock())
                {
                    var page = _allocator.AllocPage({{flags}});
                }
            }
        }
        """;

    private const string Section = "inside the RCU read-side section entered at line 9";

    [Fact]
    public async Task V2_blocking_choice_may_pick_Kernel_under_RCU()
    {
        await VerifyAsync(Tracker("{|#0:gfp.AllowsBlocking() ? Gfp.Kernel : Gfp.Atomic|}"),
            Diagnostic("GFP001").WithLocation(0).WithArguments(Section, "Gfp.Kernel"));
    }

    [Fact]
    public async Task V3_stripping_DirectReclaim_leaks_the_other_inherited_bits()
    {
        await VerifyAsync(Tracker("{|#0:gfp & ~Gfp.DirectReclaim|}"),
            Diagnostic("GFP003").WithLocation(0).WithArguments(Section, "ZoneMask, KswapdReclaim, NoFail and ThisNode inherited from parameter 'gfp'"));
    }

    [Fact]
    public async Task V5_stripping_ZoneMask_too_still_leaks_kswapd_NoFail_and_ThisNode()
    {
        await VerifyAsync(Tracker("{|#0:gfp & ~(Gfp.DirectReclaim | Gfp.ZoneMask)|}"),
            Diagnostic("GFP003").WithLocation(0).WithArguments(Section, "KswapdReclaim, NoFail and ThisNode inherited from parameter 'gfp'"));
    }

    [Fact]
    public async Task Suggested_NoWait_with_NoWarn_wakes_kswapd_and_repeats_NoWarn()
    {
        await VerifyAsync(Tracker("{|#0:Gfp.NoWait | {|#1:Gfp.NoWarn|}|}"),
            Diagnostic("GFP002").WithLocation(0).WithArguments(Section, "Gfp.NoWait"),
            Diagnostic("GFP006").WithLocation(1).WithArguments("Gfp.NoWarn", "Gfp.NoWait"));
    }

    [Fact]
    public async Task V6_constant_High_with_NoCodetag_is_clean()
    {
        await VerifyAsync(Tracker("Gfp.High | Gfp.NoCodetag"));
    }

    [Fact]
    public async Task V6_as_an_allocation_hook_is_clean_and_v5_there_is_one_finding()
    {
        const string source = TestEnvironment.Usings + """
            sealed class Tracker
            {
                private const Gfp TrackerGfp = Gfp.High | Gfp.NoCodetag;
                private readonly PageAllocator _allocator = new();

                [AllocationHook]
                private void Record(ulong pfn, Gfp gfp) => _allocator.AllocPage(TrackerGfp);

                [AllocationHook]
                private void RecordV5(ulong pfn, Gfp gfp) => _allocator.AllocPage({|#0:gfp & ~(Gfp.DirectReclaim | Gfp.ZoneMask)|});
            }
            """;
        await VerifyAsync(source,
            // One finding for v5's one mistake: GFP003's fixes add NoCodetag in a hook, so GFP007 does not repeat it.
            Diagnostic("GFP003").WithLocation(0).WithArguments("in allocation hook 'RecordV5'", "KswapdReclaim, NoFail and ThisNode inherited from parameter 'gfp'"));
    }

    [Fact]
    public async Task Shared_corpus_tracker_gets_exactly_the_diagnostics_its_flags_deserve()
    {
        // The corpus's Record masks the caller-derived choice and adds TrackerGfp: Kernel's KswapdReclaim
        // survives the mask (GFP002); Refill passes its caller's flags on under [RcuReadLockHeld] (GFP003).
        var source = CorpusFiles.EarlyPfnTracker
            .Replace("_allocator.AllocPage(flags)", "_allocator.AllocPage({|#0:flags|})")
            .Replace("AllocPages(gfp ^ Gfp.Zero, order: 1)", "AllocPages({|#1:gfp ^ Gfp.Zero|}, order: 1)");
        await VerifyAsync(source,
            Diagnostic("GFP002").WithLocation(0).WithArguments("in allocation hook 'Record'", "Gfp.Kernel and Gfp.Atomic"),
            Diagnostic("GFP003").WithLocation(1).WithArguments("in method 'Refill' marked [RcuReadLockHeld]",
                "ZoneMask, DirectReclaim, KswapdReclaim, NoFail and ThisNode inherited from parameter 'gfp'"));
    }

    private static DiagnosticResult Diagnostic(string id) => new(id, id == "GFP001" ? Microsoft.CodeAnalysis.DiagnosticSeverity.Error
        : id == "GFP006" ? Microsoft.CodeAnalysis.DiagnosticSeverity.Info : Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);

    private static async Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new AllFlagRulesTest { TestCode = source };
        // The series judged the recording path as an allocation hook would be judged: kswapd wake-ups count everywhere.
        Gfp002Scope.All(test.TestState);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
