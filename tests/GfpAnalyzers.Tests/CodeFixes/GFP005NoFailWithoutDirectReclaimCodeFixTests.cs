using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP005NoFailWithoutDirectReclaimAnalyzer, GfpAnalyzers.CodeFixes.GFP005NoFailWithoutDirectReclaimCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP005 → "Remove NoFail", and outside atomic context "Allow direct reclaim".</summary>
public class GFP005NoFailWithoutDirectReclaimCodeFixTests
{
    private const string RemoveKey = GFP005NoFailWithoutDirectReclaimCodeFix.RemoveNoFailKey;
    private const string AllowKey = GFP005NoFailWithoutDirectReclaimCodeFix.AllowDirectReclaimKey;

    [Fact]
    public async Task Remove_NoFail_takes_the_operand_out_of_the_chain_in_every_file()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    a.AllocPage({|GFP005:Gfp.Atomic | Gfp.NoFail|});
                    using (rcu.ReadLock())
                    {
                        a.AllocPage({|GFP005:Gfp.NoFail | Gfp.High|} /* reserves */);
                    }
                }
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                void M(PageAllocator a) => a.AllocPages({|GFP005:Gfp.High | Gfp.NoFail | Gfp.Zero|}, 1);
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                void M(PageAllocator a, Rcu rcu)
                {
                    a.AllocPage(Gfp.Atomic);
                    using (rcu.ReadLock())
                    {
                        a.AllocPage(Gfp.High /* reserves */);
                    }
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                void M(PageAllocator a) => a.AllocPages(Gfp.High | Gfp.Zero, 1);
            }
            """;
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, RemoveKey);
    }

    [Fact]
    public async Task Remove_NoFail_removes_every_NoFail_operand_of_the_chain()
    {
        // Issue 11: on `NoFail | NoFail` the fix used to remove one, and GFP005 stayed.
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a) => a.AllocPage({|GFP005:Gfp.Atomic | Gfp.NoFail | Gfp.NoFail|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a) => a.AllocPage(Gfp.Atomic);
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, RemoveKey);
    }

    [Fact]
    public async Task Remove_NoFail_masks_it_out_when_it_comes_from_a_variable()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a)
                {
                    var flags = Gfp.High;
                    flags |= Gfp.NoFail;
                    a.AllocPage({|GFP005:flags|});
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a)
                {
                    var flags = Gfp.High;
                    flags |= Gfp.NoFail;
                    a.AllocPage(flags & ~Gfp.NoFail);
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, RemoveKey);
    }

    [Fact]
    public async Task Allow_direct_reclaim_where_sleeping_is_allowed()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a) => a.AllocPage({|GFP005:Gfp.Io | Gfp.Fs | Gfp.NoFail|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class C
            {
                void M(PageAllocator a) => a.AllocPage(Gfp.Io | Gfp.Fs | Gfp.NoFail | Gfp.DirectReclaim);
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, AllowKey);
    }

    [Theory]
    [InlineData("[RcuReadLockHeld] void M(PageAllocator a) => a.AllocPage({|GFP005:Gfp.High | Gfp.NoFail|});")]
    [InlineData("void M(PageAllocator a, Rcu rcu) { using (rcu.ReadLock()) { a.AllocPage({|GFP005:Gfp.High | Gfp.NoFail|}); } }")]
    public async Task Allow_direct_reclaim_is_not_offered_in_atomic_context(string member)
    {
        var source = TestEnvironment.Usings + "class C { " + member + " }";
        await Fix.VerifyNotOfferedAsync(source, AllowKey);
    }

    [Theory]
    [InlineData("public class C { public void M(PageAllocator a) => a.AllocPage({|GFP005:Gfp.High | Gfp.NoFail|}); }")]
    [InlineData("public class C { public void M(PageAllocator a) { void Local() => a.AllocPage({|GFP005:Gfp.High | Gfp.NoFail|}); Local(); } }")]
    public async Task Allow_direct_reclaim_is_not_offered_where_it_would_make_a_public_method_sleep_unannounced(string type)
    {
        // The fuzzer found it: the fixed method sleeps without [MightSleep], a new GFP010 (an error under strict).
        await Fix.VerifyNotOfferedAsync(TestEnvironment.Usings + type, AllowKey);
    }

    [Fact]
    public async Task Allow_direct_reclaim_is_offered_in_a_public_method_marked_MightSleep()
    {
        const string source = TestEnvironment.Usings + """
            public class C
            {
                [MightSleep] public void M(PageAllocator a) => a.AllocPage({|GFP005:Gfp.Io | Gfp.NoFail|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            public class C
            {
                [MightSleep] public void M(PageAllocator a) => a.AllocPage(Gfp.Io | Gfp.NoFail | Gfp.DirectReclaim);
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, AllowKey);
    }

    /// <summary>
    /// Helpers whose body holds no lock but which a caller runs under one: allowing reclaim there would make the call
    /// sleep in atomic context (a new GFP009 at the call site), so only "Remove NoFail" is offered.
    /// </summary>
    [Theory]
    [InlineData("""
        void Run() { _rcu.ReadLock(); Refill(); _rcu.ReadUnlock(); }
        private void Refill() => _allocator.AllocPage({|GFP005:Gfp.NoFail|});
        """)]
    [InlineData("""
        void Run() { using (_rcu.ReadLock()) { this.Refill(); } }
        private void Refill() { _allocator.AllocPage({|GFP005:Gfp.NoFail|}); }
        """)]
    [InlineData("""
        void Run() { void Refill() => _allocator.AllocPage({|GFP005:Gfp.NoFail|}); var flags = _lock.LockIrqSave(); Refill(); _lock.UnlockIrqRestore(flags); }
        """)]
    [InlineData("""
        void Run() { Preempt.Disable(); Outer(); Preempt.Enable(); }
        private void Outer() => Refill();
        private void Refill() => _allocator.AllocPage({|GFP005:Gfp.NoFail|});
        """)]
    [InlineData("""
        [IrqsDisabled] void OnTimer() => Refill();
        private void Refill() => _allocator.AllocPage({|GFP005:Gfp.NoFail|});
        """)]
    [InlineData("""
        void Run(System.Collections.Generic.List<System.Action> work) => work.Add(Refill);
        private void Refill() => _allocator.AllocPage({|GFP005:Gfp.NoFail|});
        """)]
    public async Task Allow_direct_reclaim_is_not_offered_in_a_helper_a_caller_runs_in_atomic_context(string members)
    {
        var source = TestEnvironment.Usings + "class Driver\n{\n    private readonly PageAllocator _allocator = new();\n    private readonly Rcu _rcu = new();\n"
            + "    private readonly KSpinLock _lock = new();\n" + members + "\n}\n";
        await Fix.VerifyNotOfferedAsync(source, AllowKey);
    }

    [Fact]
    public async Task Allow_direct_reclaim_is_offered_in_a_helper_called_only_outside_atomic_context()
    {
        const string source = TestEnvironment.Usings + """
            class Driver
            {
                private readonly PageAllocator _allocator = new();
                private readonly Rcu _rcu = new();

                void Run()
                {
                    _rcu.ReadLock();
                    _rcu.ReadUnlock();
                    Refill();
                    void Twice() { Refill(); Refill(); }
                    Twice();
                }

                private void Refill() => _allocator.AllocPage({|GFP005:Gfp.Io | Gfp.NoFail|});
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Driver
            {
                private readonly PageAllocator _allocator = new();
                private readonly Rcu _rcu = new();

                void Run()
                {
                    _rcu.ReadLock();
                    _rcu.ReadUnlock();
                    Refill();
                    void Twice() { Refill(); Refill(); }
                    Twice();
                }

                private void Refill() => _allocator.AllocPage(Gfp.Io | Gfp.NoFail | Gfp.DirectReclaim);
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, AllowKey);
    }
}
