// Whether a function can run in atomic context at all, decided before any control-flow graph is built, from the
// cheap facts: FunctionScan's walk (lock calls, lambdas handed to [InvokedInAtomicContext] parameters), the
// function's attributes, and the lock helpers the body calls. It must say "may be" for every way
// AtomicContextAnalysis finds a context (a lock or lock helper call, a caller's lock from [RcuReadLockHeld] / [LockHeld]
// / [IrqsDisabled], [AllocationHook] or an installed hook, [RunsInAtomicContext], a lambda invoked in atomic context):
// "cannot be" lets a rule skip the function's graph, so a wrong "cannot" loses a diagnostic.
using GfpAnalyzers.Analyzers.Summaries;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

internal static class AtomicContextCandidates
{
    /// <summary>
    /// True when the function's own facts may put it in atomic context: it takes a lock itself, runs as a lambda
    /// invoked in atomic context, its caller holds a lock ([RcuReadLockHeld], [LockHeld], [IrqsDisabled]), it is
    /// marked [AllocationHook] or [RunsInAtomicContext], or it has the shape of a hook that may be installed.
    /// Lock helpers it calls are <see cref="CallsLockHelper"/>'s question (of the whole body).
    /// </summary>
    public static bool MayBeAtomic(FunctionInfo function, RuntimeSymbols symbols)
        => function.HasLockCalls
           || function.InvokedInAtomicContext
           || (function.Symbol is { } symbol
               && (CallerLocks.Of(symbol, symbols).Count > 0
                   || AtomicContextAnalysis.HasAttribute(symbol, symbols.AllocationHookAttribute, symbols)
                   || AtomicContextAnalysis.HasAttribute(symbol, symbols.RunsInAtomicContextAttribute, symbols)
                   || (symbol is IMethodSymbol method && HookInstallations.HasHookShape(method, symbols))));

    /// <summary>
    /// <see cref="MayBeAtomic(FunctionInfo, RuntimeSymbols)"/>, or the body calls a lock helper (<see cref="CallsLockHelper"/>,
    /// asked only then): the question a rule asks before it builds a function's graph for atomic context.
    /// </summary>
    public static bool MayBeAtomic(FunctionInfo function, MethodScan scan, Compilation compilation, RuntimeSymbols symbols, System.Threading.CancellationToken ct)
        => MayBeAtomic(function, symbols) || CallsLockHelper(scan, compilation, symbols, ct);

    /// <summary>
    /// A call in the body (its lambdas included) to a lock helper of this compilation: an <c>[AcquiresLock]</c> method,
    /// or one that returns holding its lock, opens a section with no lock call in the caller's own body — also when the
    /// call is hidden (a foreach's <c>GetEnumerator</c>, a using's <c>Dispose</c>: <see cref="MethodScan.HiddenOwnCalls"/>);
    /// so does a call to an annotated lock helper of a referenced library.
    /// </summary>
    public static bool CallsLockHelper(MethodScan scan, Compilation compilation, RuntimeSymbols symbols, System.Threading.CancellationToken ct)
        => scan.CallsLockHelper(compilation, symbols, ct);
}
