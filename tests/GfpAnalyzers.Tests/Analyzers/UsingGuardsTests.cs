using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Tests.Interprocedural;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// <see cref="MethodScan.LocksOnlyInUsingGuards"/>: which bodies lock only in the guard form, the runtime guard a lock
/// call returns held as it is by a using — the bodies GFP008 builds no graph for. Every other way to take, release or
/// hand on a lock keeps the graph.
/// </summary>
public class UsingGuardsTests
{
    private const string Members = """
        readonly Rcu _rcu = new();
        readonly KSpinLock _lock = new();
        readonly KSpinLock _other = new();
        readonly KRwLock _rw = new();
        object? _kept;
        void Use(object guard) { }

        """;

    [Theory]
    [InlineData("int x = 1;")]
    [InlineData("using (_lock.Lock()) { }")]
    [InlineData("using var guard = _lock.LockIrq();")]
    [InlineData("using (var guard = _rcu.ReadLock()) { }")]
    [InlineData("using (SpinLockGuard a = _lock.Lock(), b = _other.LockBh()) { }")]
    [InlineData("using (Preempt.Guard()) using (LocalIrq.SaveGuard()) using (LocalBh.Guard()) { }")]
    [InlineData("using var rq = Scheduler.LockRunqueue(); using var irq = LocalIrq.Guard();")]
    [InlineData("using (_lock.GuardIrqSave()) { System.Action f = () => { using (_rw.WriteLock()) { } }; }")]
    [InlineData("using (_rw.ReadLockBh()) { Local(); void Local() { using var g = _rcu.ReadLock(); } }")]
    [InlineData("if (false) { using (_lock.Lock()) { } }")]
    // An explicit Dispose of a using's guard is no lock call: it releases nothing the using would not.
    [InlineData("using var guard = _lock.Lock(); guard.Dispose();")]
    public async Task Bodies_whose_every_lock_call_is_a_using_guard(string body)
        => Assert.True(await LocksOnlyInUsingGuardsAsync(body));

    [Theory]
    // A lock call that is no using's resource.
    [InlineData("_lock.Lock();")]
    [InlineData("_ = _lock.Lock();")]
    [InlineData("var guard = _lock.Lock();")]
    [InlineData("var guard = _lock.Lock(); using (guard) { }")]
    [InlineData("_kept = _lock.Lock();")]
    [InlineData("Use(_lock.Lock());")]
    [InlineData("using (_lock.Lock()) { Use(_other.Lock()); }")]
    // A converted or conditional guard: the using disposes something else than the runtime guard.
    [InlineData("using (System.IDisposable d = _lock.Lock()) { }")]
    [InlineData("using System.IDisposable d = _lock.Lock();")]
    [InlineData("using (SpinLockGuard? g = _lock.Lock()) { }")]
    [InlineData("using (_kept is null ? _lock.Lock() : _other.Lock()) { }")]
    // Releases, try-locks, saved flags.
    [InlineData("using (_lock.Lock()) { _other.Unlock(); }")]
    [InlineData("using (_lock.Lock()) { } _lock.Unlock();")]
    [InlineData("using (_rcu.ReadLock()) { _rcu.ReadUnlock(); }")]
    [InlineData("using (_lock.Lock()) { if (_other.TryLock()) { } }")]
    [InlineData("using (_lock.Lock()) { var flags = LocalIrq.Save(); LocalIrq.Restore(flags); }")]
    [InlineData("using var irq = LocalIrq.SaveGuard(); LocalIrq.Restore(irq.Flags);")]
    [InlineData("using (_lock.Lock()) { Preempt.Enable(); }")]
    // In a lambda, a local function, a branch that never runs: each is analysed too.
    [InlineData("using (_lock.Lock()) { System.Action f = () => _rcu.ReadLock(); }")]
    [InlineData("using (_lock.Lock()) { Local(); void Local() => _other.Unlock(); }")]
    [InlineData("using (_lock.Lock()) { if (false) { _lock.Unlock(); } }")]
    public async Task Bodies_with_a_lock_call_outside_the_guard_form(string body)
        => Assert.False(await LocksOnlyInUsingGuardsAsync(body));

    [Fact]
    public async Task A_method_returning_the_guard_is_not_guard_only()
    {
        var compilation = await SummaryHarness.CompileAsync("class C { readonly KSpinLock _lock = new(); SpinLockGuard M() => _lock.Lock(); }");
        Assert.False(ScanOf(compilation, "M").LocksOnlyInUsingGuards);
    }

    [Theory]
    [InlineData("using (_lock.Lock()) { foreach (var item in list) { } }", false)]
    [InlineData("using (_lock.Lock()) { using (list.Open()) { } }", false)]
    [InlineData("using (_lock.Lock()) { using var guard = _rcu.ReadLock(); }", true)]
    public async Task Where_a_library_may_declare_lock_helpers_a_foreach_or_another_using_may_hide_one(string body, bool guardOnly)
    {
        // A library built on the runtime: its annotated GetEnumerator or Dispose would take or release a lock unseen.
        var library = await LibraryReferences.CSharpAsync("Lists", [TestEnvironment.RuntimeReference], """
            namespace Lists;
            public sealed class LockedList
            {
                public readonly GfpAnalyzers.Runtime.KSpinLock Lock = new();
                public System.Collections.Generic.List<int>.Enumerator GetEnumerator() => new System.Collections.Generic.List<int>().GetEnumerator();
                public System.IO.MemoryStream Open() => new();
            }
            """);
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var source = TestEnvironment.Usings + "class C\n{\n" + Members + "    void M(Lists.LockedList list)\n    {\n        " + body + "\n    }\n}\n";
        var compilation = CSharpCompilation.Create("WithLibrary", [CSharpSyntaxTree.ParseText(source)],
            framework.Add(TestEnvironment.RuntimeReference).Add(library), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(guardOnly, ScanOf(compilation, "M").LocksOnlyInUsingGuards);
    }

    private static async Task<bool> LocksOnlyInUsingGuardsAsync(string body)
    {
        var compilation = await SummaryHarness.CompileAsync("class C\n{\n" + Members + "    void M()\n    {\n        " + body + "\n    }\n}\n");
        return ScanOf(compilation, "M").LocksOnlyInUsingGuards;
    }

    /// <summary>The scan of method <paramref name="name"/>'s body, as the rules get it (one root per body).</summary>
    private static MethodScan ScanOf(Compilation compilation, string name)
    {
        Assert.True(RuntimeSymbols.TryCreate(compilation, out var symbols));
        var tree = compilation.SyntaxTrees.Single();
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == name);
        var model = compilation.GetSemanticModel(tree);
        var root = model.GetOperation(method)!;
        Assert.Null(root.Parent);
        return FunctionScan.Of(root, model.GetDeclaredSymbol(method)!, symbols, compilation.Assembly);
    }
}
