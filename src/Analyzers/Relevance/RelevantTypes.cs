// The relevance gate: which types of a compilation may hold code a GFP rule can report, decided from names
// alone, before anything is bound.
//
//   RelevantTypes.Of(compilation).MayMatter(type, ct)   // false: no member of the type can be reported
//
// Asking the driver for every method's operation block makes it bind every body in the compilation, which costs
// more than all our rules together; business code that never touches the runtime should not pay for that.
//
// Why names are enough. Every report needs, inside the reported type, an expression whose static type is a runtime
// type, a type of a referenced assembly built on the runtime, or a type of this compilation whose own code may be
// reported (a call to a method that sleeps, allocates or locks). Such an expression starts from something written
// in the type: a declaration spelling the type (a field, a parameter, a cast, `new T()`, a base list, a generic
// argument), a static member reached through the type's name (or through `using static`, or an extension method's
// name), `this` inside the type itself, or a call on another such expression. So a type whose syntax names none of
// the relevant types, none of their extension members and no alias cannot be reported, and a type is relevant as
// soon as its syntax names one: a fixed point over names, linear in the compilation's identifiers.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Relevance;

internal sealed class RelevantTypes
{
    private static readonly ConditionalWeakTable<Compilation, RelevantTypes> Cache = new();

    private readonly Compilation _compilation;
    private readonly object _gate = new();
    private Result? _result;

    private RelevantTypes(Compilation compilation) => _compilation = compilation;

    public static RelevantTypes Of(Compilation compilation)
        => Cache.TryGetValue(compilation, out var types) ? types : Cache.GetValue(compilation, c => new RelevantTypes(c));

    /// <summary>
    /// False only when no member of <paramref name="type"/> (or of a type nested in it) can be reported by any GFP
    /// rule; true when unsure.
    /// </summary>
    public bool MayMatter(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var top = type;
        while (top.ContainingType is { } container)
        {
            top = container;
        }

        // Computed once per compilation, by the first analyzer that asks; the others wait for it.
        Result result;
        lock (_gate)
        {
            result = _result ??= Compute(cancellationToken);
        }

        // A type none of the trees declares at the top (a script's class): analyse it.
        var key = GroupKey(top.Name, top.Arity);
        return !result.Declared.Contains(key) || result.Relevant.Contains(key);
    }

    public static string GroupKey(string name, int arity)
        => name + "`" + arity.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class Result
    {
        public Result(HashSet<string> declared, HashSet<string> relevant)
        {
            Declared = declared;
            Relevant = relevant;
        }

        public HashSet<string> Declared { get; }

        public HashSet<string> Relevant { get; }
    }

    private Result Compute(CancellationToken cancellationToken)
    {
        var trees = new List<TreeNames>();
        var usingStatic = new HashSet<string>(System.StringComparer.Ordinal);
        var relevantNames = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var names = TreeNames.Of(tree, cancellationToken);
            trees.Add(names);
            usingStatic.UnionWith(names.UsingStaticIdentifiers);
            relevantNames.UnionWith(names.Aliases);
        }

        RuntimeNames.AddTo(relevantNames, _compilation, usingStatic);

        // Which units use each name, grouped by type (the parts of a partial type matter together).
        var groups = new Dictionary<string, List<TypeUnit>>(System.StringComparer.Ordinal);
        var users = new Dictionary<string, List<string>>(System.StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            foreach (var unit in tree.Units)
            {
                if (!groups.TryGetValue(unit.GroupKey, out var parts))
                {
                    groups.Add(unit.GroupKey, parts = new List<TypeUnit>());
                }

                parts.Add(unit);
                foreach (var identifier in unit.Identifiers)
                {
                    if (!users.TryGetValue(identifier, out var keys))
                    {
                        users.Add(identifier, keys = new List<string>());
                    }

                    keys.Add(unit.GroupKey);
                }
            }
        }

        var relevant = new HashSet<string>(System.StringComparer.Ordinal);
        var pending = new Stack<string>(relevantNames);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!users.TryGetValue(pending.Pop(), out var keys))
            {
                continue;
            }

            foreach (var key in keys)
            {
                if (!relevant.Add(key))
                {
                    continue;
                }

                // The type now matters: whatever names it, or calls its extension members, may matter too.
                foreach (var unit in groups[key])
                {
                    AddNames(unit.TypeNames, relevantNames, pending);
                    AddNames(unit.StaticMemberNames, relevantNames, pending);
                    if (Overlaps(unit.TypeNames, usingStatic))
                    {
                        // `using static` of one of its types: its members are called by name alone.
                        AddNames(unit.Identifiers, relevantNames, pending);
                    }
                }
            }
        }

        return new Result(new HashSet<string>(groups.Keys, System.StringComparer.Ordinal), relevant);
    }

    private static void AddNames(string[] names, HashSet<string> relevantNames, Stack<string> pending)
    {
        foreach (var name in names)
        {
            if (relevantNames.Add(name))
            {
                pending.Push(name);
            }
        }
    }

    private static bool Overlaps(string[] names, HashSet<string> set)
    {
        foreach (var name in names)
        {
            if (set.Contains(name))
            {
                return true;
            }
        }

        return false;
    }
}
