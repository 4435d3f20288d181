using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Summaries;

/// <summary>
/// Per-compilation store of <see cref="MethodSleepFacts"/>, filled as the driver analyses each method, and
/// resolved once when the compilation ends: a backward breadth-first walk from the methods that sleep
/// directly through their callers. That is linear in the call graph, terminates on recursion, and gives
/// every sleeping method its shortest chain to a reason. Nothing is re-walked per call site.
/// </summary>
internal sealed class SleepSummaries
{
    /// <summary>Chains longer than this are cut short in messages.</summary>
    private const int MaxChainInMessage = 4;

    private readonly ConcurrentDictionary<IMethodSymbol, MethodSleepFacts> _facts = new(SymbolEqualityComparer.Default);
    private Dictionary<IMethodSymbol, SleepReason>? _resolved;

    /// <summary>The key a method's facts are stored under (generic and partial methods share one).</summary>
    public static IMethodSymbol Key(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        method = method.PartialDefinitionPart ?? method;
        return method.OriginalDefinition;
    }

    public void Add(IMethodSymbol method, MethodSleepFacts facts)
        => _facts.AddOrUpdate(Key(method), facts, (_, existing) => Merge(existing, facts));

    /// <summary>Call once, after every method has been added (at compilation end).</summary>
    public void Resolve()
    {
        // Deterministic: the dictionary's enumeration order depends on hashing and on which thread added first, so
        // seeds and caller lists are put in source order before the walk; the breadth-first search then gives the
        // same shortest chain (the first in source order among equally short ones) on every run.
        var resolved = new Dictionary<IMethodSymbol, SleepReason>(SymbolEqualityComparer.Default);
        var callers = new Dictionary<IMethodSymbol, List<(IMethodSymbol Caller, Location Location)>>(SymbolEqualityComparer.Default);
        var queue = new Queue<IMethodSymbol>();
        var methods = new List<KeyValuePair<IMethodSymbol, MethodSleepFacts>>(_facts);
        methods.Sort((a, b) => CompareMethods(a.Key, b.Key));
        foreach (var pair in methods)
        {
            if (pair.Value.Direct is { } direct)
            {
                resolved[pair.Key] = direct;
                queue.Enqueue(pair.Key);
            }

            foreach (var (callee, location) in pair.Value.Callees)
            {
                if (!callers.TryGetValue(callee, out var list))
                {
                    callers[callee] = list = new List<(IMethodSymbol, Location)>();
                }

                list.Add((pair.Key, location));
            }
        }

        foreach (var list in callers.Values)
        {
            list.Sort((a, b) => CompareLocations(a.Location, b.Location) is var byLocation and not 0 ? byLocation : CompareMethods(a.Caller, b.Caller));
        }

        while (queue.Count > 0)
        {
            var sleeper = queue.Dequeue();
            if (!callers.TryGetValue(sleeper, out var list))
            {
                continue;
            }

            foreach (var (caller, location) in list)
            {
                if (!resolved.ContainsKey(caller))
                {
                    resolved[caller] = SleepReason.Through(sleeper, location);
                    queue.Enqueue(caller);
                }
            }
        }

        _resolved = resolved;
    }

    /// <summary>
    /// Whether <paramref name="method"/> may sleep, and the chain that says why:
    /// "'Flush' calls 'Drain', which calls 'Rcu.Synchronize()'". Only after <see cref="Resolve"/>.
    /// </summary>
    public bool TryExplain(IMethodSymbol method, out string chain)
    {
        chain = string.Empty;
        var key = Key(method);
        if (_resolved is null || !_resolved.ContainsKey(key))
        {
            return false;
        }

        var text = new StringBuilder().Append('\'').Append(NameOf(key)).Append("' ");
        for (var hops = 0; ; hops++)
        {
            var reason = _resolved[key];
            if (reason.Text is not null)
            {
                text.Append(reason.Text);
                break;
            }

            key = reason.Via!;
            if (hops == MaxChainInMessage)
            {
                text.Append("calls '").Append(NameOf(key)).Append("', which may sleep");
                break;
            }

            text.Append("calls '").Append(NameOf(key)).Append("', which ");
        }

        chain = text.ToString();
        return true;
    }

    /// <summary>
    /// For a callee that does not sleep on its own: whether it allocates with one of its parameters for which
    /// this call passes DirectReclaim from a constant (<paramref name="sleepingArguments"/>: parameter ordinal to
    /// the constant's description). "'Grow' allocates with its parameter 'gfp' at line 9, and this call passes Gfp.Kernel".
    /// </summary>
    public bool TryExplainArguments(IMethodSymbol method, IReadOnlyDictionary<int, string> sleepingArguments, out string reason)
    {
        reason = string.Empty;
        if (sleepingArguments.Count == 0 || !_facts.TryGetValue(Key(method), out var facts))
        {
            return false;
        }

        foreach (var sleep in facts.ParameterSleeps)
        {
            if (sleepingArguments.TryGetValue(sleep.Ordinal, out var passed))
            {
                reason = sleep.GuardedConstant is { } constant
                    ? $"'{NameOf(Key(method))}' allocates with {constant} at line {sleep.Line} when its parameter '{sleep.Name}' allows blocking, and this call passes {passed}"
                    : $"'{NameOf(Key(method))}' allocates with its parameter '{sleep.Name}' at line {sleep.Line}, and this call passes {passed}";
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The ordinals, ascending, of the parameters <paramref name="method"/> allocates with for which this call passes
    /// DirectReclaim from a constant: changing those arguments is what stops the call from sleeping.
    /// </summary>
    public IReadOnlyList<int> SleepingParameterOrdinals(IMethodSymbol method, IReadOnlyDictionary<int, string> sleepingArguments)
    {
        var ordinals = new SortedSet<int>();
        if (_facts.TryGetValue(Key(method), out var facts))
        {
            foreach (var sleep in facts.ParameterSleeps)
            {
                if (sleepingArguments.ContainsKey(sleep.Ordinal))
                {
                    ordinals.Add(sleep.Ordinal);
                }
            }
        }

        return ordinals.ToList();
    }

    /// <summary>How messages name a method: its name, or its type's for a constructor, or the property's for an accessor.</summary>
    public static string NameOf(IMethodSymbol method) => method switch
    {
        { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } => method.ContainingType.Name,
        { AssociatedSymbol: { } associated } => associated.Name,
        _ => method.Name,
    };

    /// <summary>Source order: file, then position; methods without source by their display string.</summary>
    private static int CompareMethods(IMethodSymbol a, IMethodSymbol b)
    {
        var byLocation = CompareLocations(a.Locations.Length > 0 ? a.Locations[0] : Location.None, b.Locations.Length > 0 ? b.Locations[0] : Location.None);
        return byLocation != 0 ? byLocation : string.CompareOrdinal(a.ToDisplayString(), b.ToDisplayString());
    }

    private static int CompareLocations(Location a, Location b)
    {
        var byFile = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
        return byFile != 0 ? byFile : a.SourceSpan.Start.CompareTo(b.SourceSpan.Start);
    }

    private static MethodSleepFacts Merge(MethodSleepFacts a, MethodSleepFacts b)
    {
        // Partial and generic methods merge facts from several adds, in whatever order threads finish: keep the
        // earliest direct reason in source order and the parameter sleeps in line order.
        var direct = a.Direct is null ? b.Direct
            : b.Direct is null ? a.Direct
            : CompareLocations(a.Direct.Location, b.Direct.Location) <= 0 ? a.Direct : b.Direct;
        var callees = new List<(IMethodSymbol, Location)>(a.Callees);
        callees.AddRange(b.Callees);
        var parameters = new List<ParameterSleep>(a.ParameterSleeps);
        parameters.AddRange(b.ParameterSleeps);
        parameters.Sort((x, y) => x.Line != y.Line ? x.Line.CompareTo(y.Line) : x.Ordinal.CompareTo(y.Ordinal));
        return new MethodSleepFacts(direct, callees, parameters);
    }
}
