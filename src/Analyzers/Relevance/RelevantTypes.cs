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
// name, or the word that makes the compiler call an extension method unnamed: `foreach`, `from`; see HiddenCalls),
// `this` inside the type itself, or a call on another such expression. So a type whose syntax names none of
// the relevant types, none of their extension members and no alias cannot be reported, and a type is relevant as
// soon as its syntax names one: a fixed point over names, linear in the compilation's identifiers.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Relevance;

internal sealed class RelevantTypes
{
    private static readonly ConditionalWeakTable<Compilation, RelevantTypes> Cache = new();

    private static readonly SameInputs<Result> Earlier = new();

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

        // Computed once per compilation, by the first analyzer that asks; the others wait for it, and every later
        // question reads the published result without taking the lock.
        var result = Volatile.Read(ref _result);
        if (result is null)
        {
            lock (_gate)
            {
                result = _result;
                if (result is null)
                {
                    result = Earlier.Find(_compilation);
                    if (result is null)
                    {
                        result = Compute(cancellationToken);
                        Earlier.Remember(_compilation, result);
                    }

                    Volatile.Write(ref _result, result);
                }
            }
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
        var usingStatic = new HashSet<ulong>();
        var relevantNames = new HashSet<ulong>();
        var aliases = new List<AliasDirective>();
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var names = TreeNames.Of(tree, cancellationToken);
            trees.Add(names);
            usingStatic.UnionWith(names.UsingStaticIdentifiers);
            foreach (var alias in names.Aliases)
            {
                relevantNames.Add(alias.Name);
                aliases.Add(alias);
            }
        }

        AddAliasTargets(usingStatic, aliases);

        var hiddenCalls = new HashSet<ulong>();
        RuntimeNames.AddTo(relevantNames, hiddenCalls, _compilation, usingStatic);

        // Groups of units (the parts of a partial type matter together), and for each name the groups whose text
        // uses it: a linked list per name through two parallel lists, so the index costs no object per entry.
        var groupIds = new Dictionary<string, int>(System.StringComparer.Ordinal);
        var groups = new List<List<TypeUnit>>();
        var firstUse = new Dictionary<ulong, int>();
        var useGroup = new List<int>();
        var nextUse = new List<int>();
        foreach (var tree in trees)
        {
            foreach (var unit in tree.Units)
            {
                if (!groupIds.TryGetValue(unit.GroupKey, out var group))
                {
                    groupIds.Add(unit.GroupKey, group = groups.Count);
                    groups.Add(new List<TypeUnit>());
                }

                groups[group].Add(unit);
                foreach (var identifier in unit.Identifiers)
                {
                    nextUse.Add(firstUse.TryGetValue(identifier, out var first) ? first : -1);
                    useGroup.Add(group);
                    firstUse[identifier] = useGroup.Count - 1;
                }
            }
        }

        var isRelevant = new bool[groups.Count];
        var pending = new Stack<ulong>(relevantNames);
        var anywhere = false;
        foreach (var name in hiddenCalls)
        {
            anywhere |= AddTrigger(name, relevantNames, pending);
        }

        while (pending.Count > 0 && !anywhere)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!firstUse.TryGetValue(pending.Pop(), out var use))
            {
                continue;
            }

            for (; use >= 0; use = nextUse[use])
            {
                var group = useGroup[use];
                if (isRelevant[group])
                {
                    continue;
                }

                // The type now matters: whatever names it, or calls its extension members, may matter too.
                isRelevant[group] = true;
                foreach (var unit in groups[group])
                {
                    AddNames(unit.TypeNames, relevantNames, pending);
                    AddNames(unit.StaticMemberNames, relevantNames, pending);
                    foreach (var name in unit.HiddenCallNames)
                    {
                        anywhere |= AddTrigger(name, relevantNames, pending);
                    }

                    if (Overlaps(unit.TypeNames, usingStatic))
                    {
                        // `using static` of one of its types: its members are called by name alone.
                        AddNames(unit.MemberNames, relevantNames, pending);
                    }
                }
            }
        }

        var relevant = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var pair in groupIds)
        {
            if (anywhere || isRelevant[pair.Value])
            {
                relevant.Add(pair.Key);
            }
        }

        return new Result(new HashSet<string>(groupIds.Keys, System.StringComparer.Ordinal), relevant);
    }

    // `using static A;` where A is an alias (declared around the namespace that imports it): the alias's target is
    // imported, so its identifiers count as imported too. Aliases may name aliases of an outer scope: to a fixed point.
    private static void AddAliasTargets(HashSet<ulong> usingStatic, List<AliasDirective> aliases)
    {
        var added = true;
        while (added)
        {
            added = false;
            foreach (var alias in aliases)
            {
                if (usingStatic.Contains(alias.Name) && !usingStatic.IsSupersetOf(alias.TargetIdentifiers))
                {
                    usingStatic.UnionWith(alias.TargetIdentifiers);
                    added = true;
                }
            }
        }
    }

    private static void AddNames(ulong[] names, HashSet<ulong> relevantNames, Stack<ulong> pending)
    {
        foreach (var name in names)
        {
            if (relevantNames.Add(name))
            {
                pending.Push(name);
            }
        }
    }

    // A relevant extension method the compiler may call unnamed (HiddenCalls): the word that makes the call becomes a
    // relevant name. True when no word does (every type is then relevant).
    private static bool AddTrigger(ulong hiddenCall, HashSet<ulong> relevantNames, Stack<ulong> pending)
    {
        if (!HiddenCalls.TryGetTrigger(hiddenCall, out var trigger))
        {
            return false;
        }

        if (trigger is not { } word)
        {
            return true;
        }

        if (relevantNames.Add(word))
        {
            pending.Push(word);
        }

        return false;
    }

    private static bool Overlaps(ulong[] names, HashSet<ulong> set)
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
