using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GfpAnalyzers.Runtime.Tests;

/// <summary>
/// A default project imports System.Threading (SpinLock, Mutex, Semaphore, Lock, …) through implicit usings, and users
/// write Gfp members bare under <c>using static</c>: driver code using the locking API, its guards and its annotations
/// must compile there next to System.Threading's own lock types. (Every public type name on its own:
/// tests/GfpAnalyzers.Tests/Meta/UsingStaticGfpCompileTests.)
/// </summary>
public class ImplicitUsingsNameTests
{
    /// <summary>What Microsoft.NET.Sdk's ImplicitUsings=enable generates.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private const string Header = """
        using GfpAnalyzers.Runtime;
        using static GfpAnalyzers.Runtime.Gfp;
        """;

    [Fact]
    public void Locking_code_written_as_a_user_would_compiles_next_to_System_Threading()
    {
        AssertCompiles(Header + """

            sealed class Driver
            {
                private readonly KSpinLock _lock = new("dev->lock");
                private readonly KRawSpinLock _raw = new();
                private readonly KRwLock _rw = new();
                private readonly KMutex _mutex = new();
                private readonly KSemaphore _sem = new(1);
                private readonly SpinLock _bcl = new(false);
                private readonly Mutex _bclMutex = new();
                private readonly Lock _bclLock = new();

                [LockHeld(nameof(_lock)), IrqsDisabled]
                private static Gfp Held() => Atomic;

                [RunsInAtomicContext]
                private static void Handler() { }

                [AcquiresLock(nameof(_lock))]
                private IrqFlags Start() => _lock.LockIrqSave();

                [ReleasesLock(nameof(_lock))]
                private void Stop(IrqFlags flags) => _lock.UnlockIrqRestore(flags);

                private static void Run([InvokedInAtomicContext] Action callback) => callback();

                public void Work(PageAllocator allocator)
                {
                    IrqFlags flags = Start();
                    allocator.AllocPage(Atomic | NoWarn);
                    Stop(flags);
                    using (_raw.Lock()) { }
                    using (_lock.GuardIrqSave()) { }
                    using (_rw.ReadLockBh()) { }
                    using (Preempt.Guard()) { }
                    using (LocalBh.Guard()) { }
                    using (LocalIrq.SaveGuard()) { }
                    using (_mutex.Lock()) { allocator.AllocPage(Kernel); }
                    _sem.Down();
                    _sem.Up();
                    _ = PreemptCount.InAtomic;
                    _ = Scheduler.MightSleep(allocator.Log);
                    Run(Handler);
                    _ = (_bcl.IsHeld, _bclMutex, _bclLock);
                }
            }
            """);
    }

    private static void AssertCompiles(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Append(typeof(KSpinLock).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        var parse = new CSharpParseOptions(LanguageVersion.CSharp12);
        var compilation = CSharpCompilation.Create(
            "UserProject",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, parse), CSharpSyntaxTree.ParseText(source, parse)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();
        Assert.True(errors.Length == 0, string.Join("\n", errors));
    }
}
