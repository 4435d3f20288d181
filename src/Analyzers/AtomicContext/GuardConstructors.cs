using System.Collections.Generic;
using System.Threading;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// Guard types of the user's own (RAII): a constructor that takes a lock and a <c>Dispose()</c> that releases it. The
/// constructor returns holding the lock on purpose, and the Dispose releases a lock it never takes (once: an
/// idempotent Dispose returns early the second time). The lock belongs to whoever holds the guard, as with the
/// runtime's own guards; a leak is the guard's user's mistake (a guard never disposed), not the guard's.
/// Both questions are asked only by methods that take or release locks, so these graphs are rarely built.
/// </summary>
internal static class GuardConstructors
{
    /// <summary>
    /// When <paramref name="owner"/> is a constructor: the locks (as its type names them: "_lock", "rcu") that a
    /// parameterless <c>Dispose()</c> of its type releases on some path. Empty otherwise.
    /// </summary>
    public static List<string> LocksReleasedByDispose(ISymbol owner, Compilation compilation, RuntimeSymbols symbols, CancellationToken ct)
    {
        var locks = new List<string>();
        if (owner is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false, ContainingType: { } type })
        {
            foreach (var member in type.GetMembers("Dispose"))
            {
                if (member is IMethodSymbol { IsStatic: false, Parameters.Length: 0, ReturnsVoid: true } dispose
                    && Scan(dispose, compilation, symbols, ct) is { } scan)
                {
                    AddReleases(scan, locks);
                }
            }
        }

        return locks;
    }

    /// <summary>
    /// When <paramref name="owner"/> is a parameterless <c>Dispose()</c>: the locks (as its type names them) that a
    /// constructor of its type takes on some path. Empty otherwise.
    /// </summary>
    public static List<string> LocksTakenByConstructors(ISymbol owner, Compilation compilation, RuntimeSymbols symbols, CancellationToken ct)
    {
        var locks = new List<string>();
        if (owner is IMethodSymbol { Name: "Dispose", IsStatic: false, Parameters.Length: 0, ReturnsVoid: true, ContainingType: { } type })
        {
            foreach (var constructor in type.InstanceConstructors)
            {
                if (Scan(constructor, compilation, symbols, ct) is not { } scan)
                {
                    continue;
                }

                foreach (var site in scan.Sites)
                {
                    if (site is { IsCaller: false, Identity: { } identity } && !locks.Contains(identity))
                    {
                        locks.Add(identity);
                    }
                }
            }
        }

        return locks;
    }

    /// <summary>The method's own lock calls and the effects of the helpers it calls; null when it has no body here.</summary>
    private static GraphScan? Scan(IMethodSymbol method, Compilation compilation, RuntimeSymbols symbols, CancellationToken ct)
        => MethodBodies.TryGetGraph(method, compilation, ct) is { } graph
            ? GraphScan.Run(graph, symbols, method, System.Array.Empty<CallerLock>(), ct, LockHelpers.For(compilation, symbols))
            : null;

    private static void AddReleases(GraphScan scan, List<string> locks)
    {
        foreach (var statements in scan.Events)
        {
            foreach (var events in statements)
            {
                if (events is null)
                {
                    continue;
                }

                foreach (var e in events)
                {
                    if (e.Kind == LockEventKind.Release && e.Release?.Identity is { } identity && !locks.Contains(identity))
                    {
                        locks.Add(identity);
                    }
                }
            }
        }
    }
}
