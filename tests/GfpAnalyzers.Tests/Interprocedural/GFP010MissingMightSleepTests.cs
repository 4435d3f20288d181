using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP010MissingMightSleepAnalyzer, GfpAnalyzers.CodeFixes.GFP010AddMightSleepCodeFix>;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP010MissingMightSleepAnalyzer>;

namespace GfpAnalyzers.Tests.Interprocedural;

/// <summary>GFP010: public methods that may sleep carry [MightSleep], so other assemblies see it. Line 1 is the usings line.</summary>
public class GFP010MissingMightSleepTests
{
    [Fact]
    public async Task Public_methods_that_may_sleep_whatever_the_flags_are_reported_with_the_reason()
    {
        var source = TestEnvironment.Usings + """
            public class Pool
            {
                private readonly Rcu _rcu = new();
                private readonly KMutex _m = new();
                private readonly PageAllocator _a = new();

                public void {|#0:Flush|}() => Drain();
                void Drain() => _rcu.Synchronize();
                public {|#1:Pool|}(bool wait) { if (wait) { _m.Lock(); _m.Unlock(); } }
                public Page? {|#2:Grow|}() => _a.AllocPage(Gfp.Kernel);

                public Page? Refill(Gfp gfp) => gfp.AllowsBlocking() ? _a.AllocPage(Gfp.Kernel) : null;
                public Page? Pass(Gfp gfp) => _a.AllocPage(gfp);
                [MightSleep] public void Marked() => Drain();
                internal void Internal() => Drain();
                public virtual void Quiet() { }
            }

            class Hidden
            {
                private readonly Rcu _rcu = new();
                public void Flush() => _rcu.Synchronize();
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(0).WithArguments("Flush", "it calls 'Drain', which calls 'Rcu.Synchronize()'"),
            VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(1).WithArguments("Pool", "it takes mutex '_m'"),
            VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(2).WithArguments("Grow", "it allocates with Gfp.Kernel at line 11"));
    }

    [Fact]
    public async Task Sleeps_reached_through_calls_the_source_does_not_spell_are_reported()
    {
        // GFP010 first asks which methods a body may reach, from operation trees: foreach's hidden GetEnumerator and
        // MoveNext, and a property getter, are calls too; ordinary code that reaches no allocation stays silent.
        var source = TestEnvironment.Usings + """
            public class Pages
            {
                private static readonly PageAllocator A = new();
                public Enumerator GetEnumerator() => new();
                public struct Enumerator
                {
                    public Page? Current { get; private set; }
                    public bool {|#2:MoveNext|}() { Current = A.AllocPage(Gfp.Kernel); return Current is not null; }
                }
                public int Size { get { return A.AllocPage(Gfp.Kernel) is null ? 0 : 1; } }
            }

            public class Users
            {
                public void {|#0:Walk|}(Pages pages) { foreach (var page in pages) { Count(); } }
                public int {|#1:Measure|}(Pages pages) => pages.Size + Count();
                public int Count() => Helper(2);
                private static int Helper(int n) => n * 2;
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(0).WithArguments("Walk", "it calls 'MoveNext', which allocates with Gfp.Kernel at line 9"),
            VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(1).WithArguments("Measure", "it calls 'Size', which allocates with Gfp.Kernel at line 11"),
            VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(2).WithArguments("MoveNext", "it allocates with Gfp.Kernel at line 9"));
    }

    [Fact]
    public async Task A_setter_run_by_with_is_a_call_and_ordinary_using_and_with_code_stays_silent()
    {
        // `with` runs the record's clone method and the init accessors its initializer names; a using of a type disposed
        // through System.IDisposable calls the interface's Dispose, not a method of the compilation.
        var source = TestEnvironment.Usings + """
            public sealed class Journal : System.IDisposable
            {
                public void Dispose() { }
            }

            public sealed record Entry(int Id)
            {
                private static readonly PageAllocator A = new();
                public int Size { get => 0; init => A.AllocPage(Gfp.Kernel); }
            }

            public class Users
            {
                public Entry {|#0:Resize|}(Entry entry) => entry with { Size = 1 };
                public Entry Rename(Entry entry) => entry with { Id = Count() };
                public int Read(System.IO.Stream stream)
                {
                    using var reader = new System.IO.StreamReader(stream);
                    using (new Journal()) { }
                    return reader.Peek() + Count();
                }

                public int Count() => 1;
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(0).WithArguments("Resize", "it calls 'Size', which allocates with Gfp.Kernel at line 10"));
    }

    [Fact]
    public async Task The_fix_adds_the_attribute()
    {
        const string source = TestEnvironment.Usings + """
            public class Pool
            {
                private readonly Rcu _rcu = new();

                /// <summary>Waits for readers.</summary>
                public void {|GFP010:Flush|}() => _rcu.Synchronize();
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            public class Pool
            {
                private readonly Rcu _rcu = new();

                /// <summary>Waits for readers.</summary>
                [MightSleep]
                public void Flush() => _rcu.Synchronize();
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, GFP010AddMightSleepCodeFix.EquivalenceKey);
    }

    [Fact]
    public async Task The_fix_qualifies_the_attribute_where_the_namespace_is_not_imported()
    {
        const string source = """
            public class Pool
            {
                private readonly GfpAnalyzers.Runtime.Rcu _rcu = new();

                public void {|GFP010:Flush|}() => _rcu.Synchronize();
            }
            """;
        const string fixedSource = """
            public class Pool
            {
                private readonly GfpAnalyzers.Runtime.Rcu _rcu = new();

                [GfpAnalyzers.Runtime.MightSleep]
                public void Flush() => _rcu.Synchronize();
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, GFP010AddMightSleepCodeFix.EquivalenceKey);
    }
}
