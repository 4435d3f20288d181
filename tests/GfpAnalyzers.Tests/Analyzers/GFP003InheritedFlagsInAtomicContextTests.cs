using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.AllocationContextAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>GFP003: bits from sources the method does not control reach an atomic allocation uncleared.</summary>
public class GFP003InheritedFlagsInAtomicContextTests
{
    private const string Header = TestEnvironment.Usings;

    private static string InSection(string parameters, string flags, string members = "") => Header + $$"""
        class C
        {
            {{members}}
            void M(PageAllocator a, Rcu rcu{{parameters}})
            {
                using (rcu.ReadLock())
                {
                    a.AllocPage({{flags}});
                }
            }
        }
        """;

    private const string Section = "inside the RCU read-side section entered at line 7";

    /// <summary>These cases name every hazardous bit, KswapdReclaim included: kswapd wake-ups count in every atomic context.</summary>
    private static async Task VerifyScopeAllAsync(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
    {
        var test = new VerifyCS.Test { TestCode = source };
        Gfp002Scope.All(test.TestState);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    [Fact]
    public async Task Caller_flags_passed_through()
    {
        await VerifyScopeAllAsync(InSection(", Gfp gfp", "{|#0:gfp|}"),
            VerifyCS.Diagnostic("GFP003").WithLocation(0).WithArguments(Section,
                "ZoneMask, DirectReclaim, KswapdReclaim, NoFail and ThisNode inherited from parameter 'gfp'"));
    }

    [Fact]
    public async Task Mask_that_clears_DirectReclaim_and_ZoneMask_names_the_bits_that_leak()
    {
        await VerifyScopeAllAsync(InSection(", Gfp gfpFlags", "{|#0:gfpFlags & ~(Gfp.DirectReclaim | Gfp.ZoneMask)|}"),
            VerifyCS.Diagnostic("GFP003").WithLocation(0).WithArguments(Section,
                "KswapdReclaim, NoFail and ThisNode inherited from parameter 'gfpFlags'"));
    }

    [Fact]
    public async Task Bits_from_several_sources_are_grouped_by_source()
    {
        const string members = "Gfp _defaults; Gfp Mode { get; set; } static Gfp Pick() { return Gfp.High; }";
        await VerifyScopeAllAsync(
            InSection(", Gfp gfp", "{|#0:(gfp & Gfp.NoFail) | (_defaults & Gfp.ThisNode) | (Mode & Gfp.Dma) | (Pick() & Gfp.KswapdReclaim)|}", members),
            VerifyCS.Diagnostic("GFP003").WithLocation(0).WithArguments(Section,
                "NoFail inherited from parameter 'gfp'; ThisNode read from field '_defaults'; Dma read from property 'Mode'; KswapdReclaim returned by call to 'Pick'"));
    }

    [Fact]
    public async Task Inherited_DirectReclaim_outranks_a_constant_kswapd_wakeup()
    {
        await VerifyScopeAllAsync(InSection(", Gfp gfp", "{|#0:(gfp & Gfp.Reclaim) | Gfp.Atomic|}"),
            VerifyCS.Diagnostic("GFP003").WithLocation(0).WithArguments(Section,
                "DirectReclaim and KswapdReclaim inherited from parameter 'gfp'"));
    }

    [Fact]
    public async Task Constant_kswapd_wakeup_outranks_other_inherited_bits()
    {
        await VerifyScopeAllAsync(InSection(", Gfp gfp", "{|#0:(gfp & Gfp.NoFail) | Gfp.Atomic|}"),
            VerifyCS.Diagnostic("GFP002").WithLocation(0).WithArguments(Section, "Gfp.Atomic"));
    }

    [Fact]
    public async Task Scope_option_drops_inherited_kswapd_outside_hooks()
    {
        var test = new VerifyCS.Test
        {
            TestCode = InSection(", Gfp gfp", "gfp & ~(Gfp.DirectReclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)") + """

                class H
                {
                    [AllocationHook]
                    void Record(PageAllocator a, Gfp gfp) => a.AllocPage({|#0:(gfp & ~(Gfp.DirectReclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)) | Gfp.NoCodetag|});
                }
                """,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ngfp_analyzers.GFP002.scope = allocation_hooks\n"));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic("GFP003").WithLocation(0).WithArguments("in allocation hook 'Record'",
            "KswapdReclaim inherited from parameter 'gfp'"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("gfp & (Gfp.High | Gfp.NoWarn)")]
    [InlineData("gfp & ~(Gfp.Reclaim | Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)")]
    [InlineData("(gfp & Gfp.Zero) | Gfp.High | Gfp.NoCodetag")]
    public async Task No_diagnostic_when_every_hazardous_bit_is_cleared(string flags)
    {
        await VerifyScopeAllAsync(InSection(", Gfp gfp", flags));
    }

    [Fact]
    public async Task No_diagnostic_for_inherited_flags_outside_atomic_context()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Gfp gfp) => a.AllocPage(gfp);
            }
            """;
        await VerifyScopeAllAsync(source);
    }

    [Fact]
    public async Task Parameter_reassigned_to_a_safe_constant_on_every_path_is_clean()
    {
        const string source = Header + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a, Gfp gfp, bool c)
                {
                    gfp = c ? Gfp.High : Gfp.High | Gfp.NoWarn;
                    a.AllocPage(gfp);
                }
            }
            """;
        await VerifyScopeAllAsync(source);
    }

    [Fact]
    public async Task A_guard_on_AllowsBlocking_proves_DirectReclaim_clear()
    {
        const string source = Header + """
            class C
            {
                void M(PageAllocator a, Rcu rcu, Gfp gfp)
                {
                    if (gfp.AllowsBlocking())
                    {
                        return;
                    }

                    using (rcu.ReadLock())
                    {
                        a.AllocPage({|#0:gfp & ~(Gfp.NoFail | Gfp.ThisNode | Gfp.ZoneMask)|});
                    }
                }
            }
            """;
        await VerifyScopeAllAsync(source,
            VerifyCS.Diagnostic("GFP003").WithLocation(0).WithArguments("inside the RCU read-side section entered at line 11",
                "KswapdReclaim inherited from parameter 'gfp'"));
    }

    [Fact]
    public async Task A_guard_that_rules_out_every_reclaim_bit_leaves_nothing_to_report()
    {
        const string source = Header + """
            class C
            {
                [RcuReadLockHeld]
                void M(PageAllocator a, Gfp gfp)
                {
                    if ((gfp & Gfp.Reclaim) == 0)
                    {
                        a.AllocPage(gfp & (Gfp.High | Gfp.NoWarn | Gfp.Reclaim));
                    }
                }
            }
            """;
        await VerifyScopeAllAsync(source);
    }
}
