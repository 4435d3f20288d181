using GfpAnalyzers.Analyzers.FlagValues;
using static GfpAnalyzers.Tests.FlagValues.FlagValueTestHarness;

namespace GfpAnalyzers.Tests.FlagValues;

/// <summary>The flag-value analysis every flag rule (and GFP004) builds on: bits, must/may and provenance.</summary>
public class FlagValueAnalysisTests
{
    [Fact]
    public async Task Composite_constant_is_exact_and_named()
    {
        var (value, s) = await ValueOfAllocationAsync("void M(PageAllocator a) { a.AllocPage(Gfp.Kernel | Gfp.Zero); }");
        var expected = Bits(s, "Kernel", "Zero");
        Assert.Equal(expected, value.Must);
        Assert.Equal(expected, value.May);
        Assert.Equal(new[] { "Constant:Gfp.Kernel" }, DescribeOrigins(value, Bits(s, "DirectReclaim")));
        Assert.Equal(0u, value.UnknownBits);
    }

    [Fact]
    public async Task Const_field_is_named_as_const()
    {
        var (value, s) = await ValueOfAllocationAsync("const Gfp TrackerGfp = Gfp.Atomic; void M(PageAllocator a) { a.AllocPage(TrackerGfp); }");
        Assert.Equal(Bits(s, "Atomic"), value.Must);
        Assert.Equal(new[] { "Constant:const 'TrackerGfp'" }, DescribeOrigins(value, uint.MaxValue));
    }

    [Fact]
    public async Task Conditional_joins_both_branches()
    {
        var (value, s) = await ValueOfAllocationAsync("void M(PageAllocator a, bool c) { a.AllocPage(c ? Gfp.Kernel : Gfp.Atomic); }");
        Assert.Equal(Bits(s, "KswapdReclaim"), value.Must);
        Assert.Equal(Bits(s, "Kernel", "Atomic"), value.May);
        Assert.Equal(new[] { "Constant:Gfp.Kernel" }, DescribeOrigins(value, Bits(s, "DirectReclaim")));
        Assert.Equal(new[] { "Constant:Gfp.Atomic", "Constant:Gfp.Kernel" }, DescribeOrigins(value, Bits(s, "KswapdReclaim")));
    }

    [Fact]
    public async Task Mask_clears_bits_and_keeps_the_rest_inherited_from_the_parameter()
    {
        var (value, s) = await ValueOfAllocationAsync("void M(PageAllocator a, Gfp gfp) { a.AllocPage(gfp & ~(Gfp.DirectReclaim | Gfp.ZoneMask)); }");
        Assert.False(value.MayHave(Bits(s, "DirectReclaim", "ZoneMask")));
        Assert.True(value.MayHave(Bits(s, "KswapdReclaim")));
        Assert.Equal(0u, value.ConstantBits);
        Assert.Equal(new[] { "Parameter:parameter 'gfp'" }, DescribeOrigins(value, uint.MaxValue));
    }

    [Fact]
    public async Task Whitelist_mask_leaves_only_its_bits()
    {
        var (value, s) = await ValueOfAllocationAsync("void M(PageAllocator a, Gfp gfp) { a.AllocPage(gfp & (Gfp.High | Gfp.NoWarn)); }");
        Assert.Equal(Bits(s, "High", "NoWarn"), value.May);
        Assert.Equal(0u, value.Must);
        Assert.Equal(Bits(s, "High", "NoWarn"), value.UnknownBits);
    }

    [Fact]
    public async Task Locals_compound_assignments_and_branch_joins()
    {
        var (value, s) = await ValueOfAllocationAsync("""
            void M(PageAllocator a, Gfp gfp, bool c)
            {
                var flags = Gfp.High;
                if (c)
                {
                    flags |= gfp;
                    flags &= ~Gfp.Reclaim;
                }
                else
                {
                    flags ^= Gfp.NoWarn;
                }
                a.AllocPage(flags);
            }
            """);
        Assert.Equal(Bits(s, "High"), value.Must);
        Assert.False(value.MayHave(Bits(s, "Reclaim")));
        Assert.True(value.MayHave(Bits(s, "NoWarn")));
        Assert.Equal(new[] { "Parameter:parameter 'gfp'" }, DescribeOrigins(value, Bits(s, "NoFail")));
    }

    [Fact]
    public async Task Loop_reaches_a_fixpoint()
    {
        var (value, s) = await ValueOfAllocationAsync("""
            void M(PageAllocator a, int n)
            {
                Gfp flags = Gfp.None;
                for (var i = 0; i < n; i++)
                {
                    /*here*/a.AllocPage(flags);
                    flags = i == 0 ? Gfp.Atomic : flags | Gfp.Kernel;
                }
            }
            """);
        Assert.False(value.HasErrors, value.ToString());
        Assert.Equal(0u, value.Must);
        Assert.Equal(Bits(s, "Atomic", "Kernel"), value.May);
    }

    [Fact]
    public async Task Reassigned_parameter_on_one_path_keeps_its_incoming_value_on_the_other()
    {
        var (value, s) = await ValueOfAllocationAsync("void M(PageAllocator a, Gfp gfp, bool c) { if (c) gfp = Gfp.Atomic; a.AllocPage(gfp); }");
        Assert.Equal(uint.MaxValue, value.May);
        Assert.Contains("Parameter:parameter 'gfp'", DescribeOrigins(value, Bits(s, "NoFail")));
    }

    [Fact]
    public async Task Unknown_sources_are_named()
    {
        var (value, s) = await ValueOfAllocationAsync("""
            Gfp _field; Gfp Prop => _field; static Gfp Get() { return Gfp.Kernel; }
            void M(PageAllocator a, bool c) { a.AllocPage(c ? _field : Prop | Get()); }
            """);
        Assert.Equal(
            new[] { "Call:call to 'Get'", "Field:field '_field'", "Property:property 'Prop'" },
            DescribeOrigins(value, Bits(s, "NoFail")));
    }

    [Fact]
    public async Task Variable_written_by_a_lambda_is_not_trusted()
    {
        var (value, s) = await ValueOfAllocationAsync("""
            void M(PageAllocator a)
            {
                var flags = Gfp.Atomic;
                System.Action set = () => flags = Gfp.Kernel;
                set();
                a.AllocPage(flags);
            }
            """);
        Assert.True(value.MayHave(Bits(s, "DirectReclaim")));
        Assert.Equal(new[] { "Variable:variable 'flags'" }, DescribeOrigins(value, Bits(s, "DirectReclaim")));
    }

    [Fact]
    public async Task Out_argument_makes_the_variable_a_call_result()
    {
        var (value, s) = await ValueOfAllocationAsync("""
            static void Pick(out Gfp g) => g = Gfp.Kernel;
            void M(PageAllocator a) { var flags = Gfp.Atomic; Pick(out flags); a.AllocPage(flags); }
            """);
        Assert.Equal(new[] { "Call:call to 'Pick'" }, DescribeOrigins(value, Bits(s, "DirectReclaim")));
    }

    [Fact]
    public async Task Catch_and_finally_see_assignments_of_the_try_block()
    {
        var (value, s) = await ValueOfAllocationAsync("""
            void M(PageAllocator a)
            {
                var flags = Gfp.Atomic;
                try { flags = Gfp.Kernel; System.Console.WriteLine(); flags = Gfp.High; }
                catch { a.AllocPage(flags); }
            }
            """);
        Assert.True(value.MayHave(Bits(s, "DirectReclaim")));
        Assert.True(value.MayHave(Bits(s, "High")));
    }

    [Fact]
    public async Task A_catch_inside_a_loop_sees_what_later_iterations_assign_before_its_try()
    {
        // The solver re-runs a block only when what its input reads has changed: a handler reads every state of its
        // try block, which changes only once the loop's back edge brings the second iteration's flags.
        var (value, s) = await ValueOfAllocationAsync("""
            void M(PageAllocator a, int n)
            {
                var flags = Gfp.Atomic;
                for (var i = 0; i < n; i++)
                {
                    try { System.Console.WriteLine(); }
                    catch { /*here*/a.AllocPage(flags); }
                    flags = Gfp.Kernel;
                }
            }
            """);
        Assert.False(value.HasErrors, value.ToString());
        Assert.True(value.MayHave(Bits(s, "DirectReclaim")), value.ToString());
        Assert.True(value.MayHave(Bits(s, "High")), value.ToString());
    }

    [Fact]
    public async Task Integer_conversions_keep_the_bits()
    {
        var (value, s) = await ValueOfAllocationAsync("void M(PageAllocator a, Gfp gfp) { uint raw = (uint)gfp; a.AllocPage((Gfp)(raw & 0x20u)); }");
        Assert.Equal(Bits(s, "High"), value.May);
        Assert.Equal(Bits(s, "High"), value.UnknownBits);
    }

    [Fact]
    public async Task Expression_that_does_not_bind_has_errors()
    {
        var (value, _) = await ValueOfAllocationAsync("void M(PageAllocator a) { Gfp flags = Gfp.High | Missing.Flag; a.AllocPage(flags); }", allowErrors: true);
        Assert.True(value.HasErrors);
    }

    [Fact]
    public async Task Single_expression_evaluator_handles_conditionals_and_treats_locals_as_unknown()
    {
        var (value, s) = await ValueWithoutGraphAsync("void M(PageAllocator a, bool c) { var f = Gfp.High; a.AllocPage(c ? Gfp.Kernel : f & Gfp.NoWarn); }");
        Assert.Equal(Bits(s, "Kernel", "NoWarn"), value.May);
        Assert.Equal(0u, value.Must);
        Assert.Equal(new[] { "Constant:Gfp.Kernel" }, DescribeOrigins(value, Bits(s, "DirectReclaim")));
        Assert.Equal(new[] { "Variable:variable 'f'" }, DescribeOrigins(value, Bits(s, "NoWarn")));
    }

    [Fact]
    public async Task Paths_stay_apart_on_the_bool_conditions_they_branch_on()
    {
        var (value, s) = await ValueOfAllocationAsync("""
            void M(PageAllocator a, bool c, bool d)
            {
                var flags = c ? Gfp.Kernel : Gfp.Atomic;
                if (d) flags |= Gfp.NoWarn;
                a.AllocPage(flags);
            }
            """);
        Assert.Equal(Bits(s, "Kernel", "Atomic", "NoWarn"), value.May);
        Assert.Equal(Bits(s, "KswapdReclaim"), value.Must);
    }

    [Theory]
    [InlineData("if ((gfp & Gfp.DirectReclaim) != 0) return;", "DirectReclaim", false)]
    [InlineData("if (gfp.AllowsBlocking()) return;", "DirectReclaim", false)]
    [InlineData("if (!((gfp & Gfp.Reclaim) == 0)) return;", "Reclaim", false)]
    [InlineData("if (!gfp.HasFlag(Gfp.NoCodetag)) return;", "NoCodetag", true)]
    [InlineData("if ((gfp & Gfp.NoWait) != Gfp.NoWait) return;", "NoWait", true)]
    public async Task Bit_tests_narrow_the_tested_variable_on_each_edge(string guard, string bits, bool mustBeSet)
    {
        var (value, s) = await ValueOfAllocationAsync($"void M(PageAllocator a, Gfp gfp) {{ {guard} a.AllocPage(gfp); }}");
        if (mustBeSet)
        {
            Assert.True(value.MustHave(Bits(s, bits)), value.ToString());
        }
        else
        {
            Assert.False(value.MayHave(Bits(s, bits)), value.ToString());
        }
    }

    [Fact]
    public async Task A_multi_bit_any_test_proves_nothing_on_its_true_edge()
    {
        var (value, s) = await ValueOfAllocationAsync("void M(PageAllocator a, Gfp gfp) { if ((gfp & Gfp.Reclaim) == 0) return; a.AllocPage(gfp); }");
        Assert.Equal(0u, value.Must);
        Assert.True(value.MayHave(Bits(s, "Reclaim")));
    }
}
