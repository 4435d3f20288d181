using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Relevance;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GfpAnalyzers.Tests.Relevance;

/// <summary>
/// The relevance gate decides from names alone which types our rules never look at (so the compiler never binds
/// their bodies for us). Each case here is a way code can reach the runtime without naming it in the method itself;
/// the gate must let every one of them through, and keep out code that cannot reach it.
/// </summary>
public class RelevantTypesTests
{
    [Fact]
    public async Task Code_that_never_reaches_the_runtime_is_left_out()
    {
        var compilation = await CompileAsync("""
            public class Invoice
            {
                private readonly System.Collections.Generic.List<int> _lines = new();
                public void Add(int amount) => _lines.Add(amount);
                public int Total() { var total = 0; foreach (var line in _lines) total += line; return total; }
                public override string ToString() => $"{Total()}";
            }

            public class Pool
            {
                private readonly PageAllocator _allocator = new();
                public Page? Take() => _allocator.AllocPage(Gfp.Kernel);
            }
            """);

        Assert.False(MayMatter(compilation, "Invoice"));
        Assert.True(MayMatter(compilation, "Pool"));
    }

    [Fact]
    public async Task A_type_is_relevant_through_any_number_of_helpers_it_names()
    {
        var compilation = await CompileAsync("""
            public static class Grace { private static readonly Rcu s_rcu = new(); public static void Wait() => s_rcu.Synchronize(); }
            public class Flusher { public void Flush() => Grace.Wait(); }
            public class Service { private readonly Flusher _flusher = new(); public void Save() => _flusher.Flush(); }
            public class Controller { public void Post(Service service) => service.Save(); }
            public class Unrelated { public int Post(int x) => x + 1; }
            """);

        Assert.True(MayMatter(compilation, "Grace"));
        Assert.True(MayMatter(compilation, "Flusher"));
        Assert.True(MayMatter(compilation, "Service"));
        Assert.True(MayMatter(compilation, "Controller"));
        Assert.False(MayMatter(compilation, "Unrelated"));
    }

    [Fact]
    public async Task Names_that_reach_the_runtime_without_spelling_a_type_open_the_gate()
    {
        var compilation = await CompileAsync(
            OutputKind.ConsoleApplication,
            """
            using static GfpAnalyzers.Runtime.Gfp;
            using static Helpers;
            using static Clock;
            using Spin = GfpAnalyzers.Runtime.KSpinLock;

            public static class Helpers
            {
                private static readonly Rcu s_rcu = new();
                public static void Sleepy() => s_rcu.Synchronize();
                public static void SleepyToo(this string text) => s_rcu.Synchronize();
            }

            public class Clock
            {
                private static readonly Rcu s_rcu = new();
                public static void Tick() => s_rcu.Synchronize();
            }

            public class BareFlags { public object Flags() => Kernel | High; }
            public class BareCall { public void Run() => Sleepy(); }
            public class BareStatic { public void Run() => Tick(); }
            public class Extension { public void Run() => "x".SleepyToo(); }
            public class Aliased { private readonly Spin _lock = new(); }
            public class Marked { [MightSleep] public void Wait() { } }
            public class Plain { public void Run() { } }
            """,
            """
            Helpers.Sleepy();
            """);

        Assert.True(MayMatter(compilation, "BareFlags"));
        Assert.True(MayMatter(compilation, "BareCall"));
        Assert.True(MayMatter(compilation, "BareStatic"));
        Assert.True(MayMatter(compilation, "Extension"));
        Assert.True(MayMatter(compilation, "Aliased"));
        Assert.True(MayMatter(compilation, "Marked"));
        Assert.True(MayMatter(compilation, "Program"));
        Assert.False(MayMatter(compilation, "Plain"));
    }

    [Fact]
    public async Task Partial_nested_and_derived_types_share_what_they_see()
    {
        var compilation = await CompileAsync(
            """
            public partial class Zoned { private static readonly KSpinLock s_lock = new(); }
            public class Outer
            {
                private static readonly KSpinLock s_lock = new();
                public class Inner { public void Run() { s_lock.Lock(); s_lock.Unlock(); } }
            }
            public class Locked { protected readonly KSpinLock Lock = new(); }
            public class Derived : Locked { public void Run() { Lock.Lock(); Lock.Unlock(); } }
            """,
            """
            public partial class Zoned { public void Run() { s_lock.Lock(); s_lock.Unlock(); } }
            """);

        var zoned = compilation.GetTypeByMetadataName("Zoned")!;
        Assert.True(RelevantTypes.Of(compilation).MayMatter(zoned, CancellationToken.None));
        Assert.True(MayMatter(compilation, "Outer+Inner"));
        Assert.True(MayMatter(compilation, "Derived"));
    }

    [Fact]
    public async Task The_types_of_a_library_built_on_the_runtime_open_the_gate()
    {
        var library = await CompileAsync("""
            public class Device { [MightSleep] public void Flush() { } }
            """);
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        var compilation = await CompileAsync(OutputKind.DynamicallyLinkedLibrary, [MetadataReference.CreateFromImage(image.ToArray())], """
            public class Driver { public void Stop(object device) => ((Device)device).Flush(); }
            public class Report { public string Title() => "report"; }
            """);

        Assert.True(MayMatter(compilation, "Driver"));
        Assert.False(MayMatter(compilation, "Report"));
    }

    [Fact]
    public async Task An_extension_method_the_compiler_calls_unnamed_opens_the_types_whose_words_make_the_call()
    {
        var enumerators = await CompileAsync("""
            public static class Ticks
            {
                private static readonly Rcu s_rcu = new();
                public static System.Collections.Generic.IEnumerator<int> GetEnumerator(this int count) { s_rcu.Synchronize(); yield return count; }
            }
            public class Loop { public void Run() { foreach (var i in 3) { } } }
            public class Straight { public int Run() => 3; }
            """);

        Assert.True(MayMatter(enumerators, "Loop"));
        Assert.False(MayMatter(enumerators, "Straight"));

        // No word announces a collection initializer's (or a collection expression's) Add: every type may call it.
        var adders = await CompileAsync("""
            public static class Bags
            {
                private static readonly Rcu s_rcu = new();
                public static void Add(this System.Collections.Generic.Stack<int> stack, int item) => s_rcu.Synchronize();
            }
            public class Straight { public int Run() => 3; }
            """);

        Assert.True(MayMatter(adders, "Straight"));
    }

    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
        (await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(TestEnvironment.RuntimeReference));

    private static Task<Compilation> CompileAsync(params string[] sources) => CompileAsync(OutputKind.DynamicallyLinkedLibrary, [], sources);

    private static Task<Compilation> CompileAsync(OutputKind kind, params string[] sources) => CompileAsync(kind, [], sources);

    private static async Task<Compilation> CompileAsync(OutputKind kind, MetadataReference[] libraries, params string[] sources)
    {
        var compilation = CSharpCompilation.Create(
            libraries.Length == 0 ? "Library" : "Client",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(TestEnvironment.Usings + s, path: $"File{i}.cs")),
            (await References.Value).AddRange(libraries),
            new CSharpCompilationOptions(kind));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }

    private static bool MayMatter(Compilation compilation, string metadataName)
        => RelevantTypes.Of(compilation).MayMatter(compilation.GetTypeByMetadataName(metadataName)!, CancellationToken.None);
}
