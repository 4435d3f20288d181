using System.Collections.Generic;

namespace GfpAnalyzers.Analyzers.Relevance;

/// <summary>
/// Extension methods the compiler calls where the source never writes their names, and which the analyses follow:
/// a <c>foreach</c>'s <c>GetEnumerator</c> (the graph lowers the loop to the call), a query's <c>Select</c>, <c>Where</c>
/// and the rest (each clause is an invocation), a collection initializer's or collection expression's <c>Add</c>.
/// When such an extension method is relevant, code that calls it may be reported without naming anything relevant: the
/// word that makes the call (<c>foreach</c>, <c>from</c>) becomes a relevant name, and for <c>Add</c>, which no word
/// announces (<c>Bag b = [1];</c>), every type is relevant. (A deconstruction's <c>Deconstruct</c> and an
/// <c>await</c>'s <c>GetAwaiter</c> are no calls in the operation tree or the graph: the analyses do not follow them.)
/// </summary>
internal static class HiddenCalls
{
    // Extension method name -> the word every call site contains; null: no word, any code may call it.
    private static readonly Dictionary<ulong, ulong?> s_triggers = Build();

    /// <summary>
    /// True when an extension method named <paramref name="name"/> may be called unnamed; <paramref name="trigger"/> is
    /// then the word every such call site contains, or null when any code may call it.
    /// </summary>
    public static bool TryGetTrigger(ulong name, out ulong? trigger) => s_triggers.TryGetValue(name, out trigger);

    /// <summary>Whether an extension method of this name can be called without being named.</summary>
    public static bool IsHidden(string name) => s_triggers.ContainsKey(NameHash.Of(name));

    private static Dictionary<ulong, ulong?> Build()
    {
        var triggers = new Dictionary<ulong, ulong?>();
        var foreachWord = NameHash.Of("foreach");
        triggers[NameHash.Of("GetEnumerator")] = foreachWord;
        triggers[NameHash.Of("GetAsyncEnumerator")] = foreachWord;

        // Every query expression starts with `from`; its clauses call these by the C# specification's translation.
        var fromWord = NameHash.Of("from");
        foreach (var method in new[]
                 {
                     "Select", "SelectMany", "Where", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending",
                     "GroupBy", "Join", "GroupJoin", "Cast",
                 })
        {
            triggers[NameHash.Of(method)] = fromWord;
        }

        triggers[NameHash.Of("Add")] = null;
        return triggers;
    }
}
