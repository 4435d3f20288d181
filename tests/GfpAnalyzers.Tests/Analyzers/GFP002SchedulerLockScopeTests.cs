using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP002's scope: by default (<c>scheduler_locks</c>) a kswapd wake-up is reported only where scheduler locks may be
/// held (allocation hooks, runqueue-lock sections, <c>[LockHeld("runqueue")]</c>); <c>all</c> reports it in every atomic
/// context; <c>allocation_hooks</c> only in hooks. Line 1 is the usings line.
/// </summary>
public class GFP002SchedulerLockScopeTests
{
    private static Task VerifyAsync(string source, string? scope, params DiagnosticResult[] expected)
    {
        var test = new VerifyCS.Test { TestCode = source };
        if (scope is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", Gfp002Scope.EditorConfig(scope)));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static DiagnosticResult Kswapd(int location, string context, string flags)
        => VerifyCS.Diagnostic("GFP002").WithLocation(location).WithArguments(context, flags);

    private const string SpinlockSection = """
        class C
        {
            readonly KSpinLock _lock = new();

            void M(PageAllocator a)
            {
                var flags = _lock.LockIrqSave();
                a.AllocPage({|#0:Gfp.Atomic|});
                a.AllocPage({|#1:Gfp.NoWait|});
                _lock.UnlockIrqRestore(flags);
            }
        }
        """;

    [Fact]
    public async Task Atomic_and_NoWait_under_a_spinlock_are_the_kernel_idiom_by_default()
    {
        var source = TestEnvironment.Usings + SpinlockSection.Replace("{|#0:Gfp.Atomic|}", "Gfp.Atomic").Replace("{|#1:Gfp.NoWait|}", "Gfp.NoWait");
        await VerifyAsync(source, scope: null);
        await VerifyAsync(source, scope: "scheduler_locks");
        await VerifyAsync(source, scope: "allocation_hooks");
    }

    [Fact]
    public async Task Scope_all_reports_them_under_a_spinlock()
    {
        const string context = "inside the spin_lock_irqsave section of '_lock' entered at line 8";
        await VerifyAsync(TestEnvironment.Usings + SpinlockSection, "all", Kswapd(0, context, "Gfp.Atomic"), Kswapd(1, context, "Gfp.NoWait"));
    }

    [Fact]
    public async Task Runqueue_lock_sections_and_LockHeld_runqueue_report_by_default_and_name_the_scheduler_lock()
    {
        var source = TestEnvironment.Usings + """
            class C
            {
                readonly KSpinLock _lock = new();

                void M(PageAllocator a)
                {
                    _lock.Lock();
                    using (Scheduler.LockRunqueue())
                    {
                        a.AllocPage({|#0:Gfp.Atomic|});
                    }
                    a.AllocPage(Gfp.Atomic);
                    _lock.Unlock();
                }

                [LockHeld("runqueue")]
                void Wake(PageAllocator a) => a.AllocPage({|#1:Gfp.NoWait|});
            }
            """;
        await VerifyAsync(source, scope: null,
            Kswapd(0, "with the runqueue lock held since line 9", "Gfp.Atomic"),
            Kswapd(1, "in method 'Wake' marked [LockHeld(\"runqueue\")]", "Gfp.NoWait"));
    }

    [Fact]
    public async Task Allocation_hooks_scope_is_quiet_under_the_runqueue_lock()
    {
        var source = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a)
                {
                    using (Scheduler.LockRunqueue())
                        a.AllocPage(Gfp.Atomic);
                }
            }
            """;
        await VerifyAsync(source, "allocation_hooks");
    }

    [Fact]
    public async Task Inherited_kswapd_counts_only_under_a_scheduler_lock_by_default()
    {
        var source = TestEnvironment.Usings + """
            class C
            {
                [IrqsDisabled]
                void Irq(PageAllocator a, Gfp gfp) => a.AllocPage(gfp & ~(Gfp.DirectReclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask));

                void Rq(PageAllocator a, Gfp gfp)
                {
                    Scheduler.LockRunqueue();
                    a.AllocPage({|#0:gfp & ~(Gfp.DirectReclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)|});
                    Scheduler.UnlockRunqueue();
                }
            }
            """;
        await VerifyAsync(source, scope: null,
            VerifyCS.Diagnostic("GFP003").WithLocation(0).WithArguments("with the runqueue lock held since line 9", "KswapdReclaim inherited from parameter 'gfp'"));
    }

    [Fact]
    public void The_strict_preset_sets_scope_all()
    {
        var preset = File.ReadAllLines(Path.Combine(GfpAnalyzers.Tests.Meta.AnalyzerCatalog.RepositoryRoot(), "build", "presets", "strict.globalconfig"));
        Assert.Contains(preset, line => line.Replace(" ", string.Empty) == "gfp_analyzers.GFP002.scope=all");
    }
}
