using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP003/GFP007: a mask written as a readonly field with a constant initializer, an expression-bodied
/// property or a parameterless method returning a constant is a constant, not a value from outside.
/// </summary>
public class GFP007ConstantMembersTests
{
    private static Task Verify(string members, string hookBody, params DiagnosticResult[] expected)
    {
        var test = new AllFlagRulesTest
        {
            TestCode = TestEnvironment.Usings + $$"""
                class C
                {
                    private readonly PageAllocator a = new PageAllocator();
                    {{members}}

                    [AllocationHook]
                    void Record(ulong pfn, Gfp gfp)
                    {
                        {{hookBody}}
                    }
                }
                """,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Theory]
    [InlineData("private static readonly Gfp PoolGfp = Gfp.High | Gfp.NoCodetag;")]
    [InlineData("private readonly Gfp PoolGfp = (GfpAnalyzers.Runtime.Gfp.High | Gfp.NoCodetag) & ~Gfp.NoWarn;")]
    [InlineData("private const Gfp Base = Gfp.High; private static readonly Gfp PoolGfp = Base | Gfp.NoCodetag;")]
    [InlineData("private static readonly Gfp Base = Gfp.High; private static readonly Gfp PoolGfp = C.Base | Gfp.NoCodetag;")]
    [InlineData("private static Gfp PoolGfp => Gfp.High | Gfp.NoCodetag;")]
    [InlineData("private Gfp PoolGfp { get => Gfp.High | Gfp.NoCodetag; }")]
    public async Task Readonly_field_or_getter_with_the_v6_mask_is_silent(string member)
    {
        await Verify(member, "a.AllocPage(PoolGfp);");
    }

    [Fact]
    public async Task Method_returning_the_v6_mask_is_silent()
    {
        await Verify("private static Gfp PoolGfp() => Gfp.High | Gfp.NoCodetag;", "a.AllocPage(PoolGfp());");
    }

    [Fact]
    public async Task Using_static_names_are_resolved()
    {
        var test = new AllFlagRulesTest
        {
            TestCode = TestEnvironment.Usings + """
                using static GfpAnalyzers.Runtime.Gfp;
                class C
                {
                    private readonly PageAllocator a = new PageAllocator();
                    private static readonly Gfp PoolGfp = High | NoCodetag;

                    [AllocationHook]
                    void Record(ulong pfn, Gfp gfp) => a.AllocPage(PoolGfp);
                }
                """,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task Readonly_field_without_NoCodetag_is_named_as_the_constant_source()
    {
        await Verify(
            "private static readonly Gfp PoolGfp = Gfp.High;",
            "a.AllocPage({|#0:PoolGfp|});",
            new DiagnosticResult("GFP007", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(0)
                .WithArguments("in allocation hook 'Record'", "does not carry NoCodetag", "re-enters the hook, which allocates again without end"));
    }

    [Theory]
    [InlineData("private readonly Gfp PoolGfp = Gfp.High | Gfp.NoCodetag; C(bool b) { if (b) PoolGfp = Gfp.High; }", "field")]
    [InlineData("private readonly Gfp PoolGfp = Gfp.High | Gfp.NoCodetag; C(Gfp g) { this.PoolGfp = g; }", "field")]
    [InlineData("private static readonly Gfp PoolGfp = Pick(); static Gfp Pick() { return Gfp.High; }", "field")]
    [InlineData("private static readonly Gfp PoolGfp = Gfp.High | (Gfp)0x800000;", "field")]
    [InlineData("private static Gfp PoolGfp => Next(); static Gfp Next() { return Gfp.High; }", "property")]
    [InlineData("private static Gfp PoolGfp { get; } = Gfp.High | Gfp.NoCodetag; static C() { PoolGfp = Gfp.High; }", "property")]
    [InlineData("public virtual Gfp PoolGfp => Gfp.High | Gfp.NoCodetag;", "property")]
    public async Task Members_that_may_hold_another_value_stay_unknown(string member, string kind)
    {
        var source = TestEnvironment.Usings + $$"""
            class C
            {
                private readonly PageAllocator a = new PageAllocator();
                {{member}}

                [AllocationHook]
                void Record(ulong pfn, Gfp gfp) => a.AllocPage({|#0:PoolGfp|});
            }
            """;
        // Flags of unknown value may carry every hazard, so GFP003 reports them and GFP007 stays silent (one finding per
        // mistake); with GFP003 off, GFP007 names the member it cannot see through.
        var test = new CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP007HookAllocationWithoutNoCodetagAnalyzer>.Test { TestCode = source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.GFP003.severity = none\n"));
        test.ExpectedDiagnostics.Add(CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP007HookAllocationWithoutNoCodetagAnalyzer>.Diagnostic("GFP007").WithLocation(0)
            .WithArguments("in allocation hook 'Record'", $"gets NoCodetag only from {kind} 'PoolGfp', which need not carry it", "may re-enter the hook, which would allocate again without end"));
        await test.RunAsync(CancellationToken.None);
    }
}
