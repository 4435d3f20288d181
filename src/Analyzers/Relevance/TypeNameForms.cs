using System.Collections.Generic;

namespace GfpAnalyzers.Analyzers.Relevance;

/// <summary>The names by which source refers to a type: its own, and for an attribute type the name without "Attribute".</summary>
internal static class TypeNameForms
{
    private const string AttributeSuffix = "Attribute";

    public static void AddTo(HashSet<ulong> names, string typeName)
    {
        names.Add(NameHash.Of(typeName));
        if (typeName.Length > AttributeSuffix.Length && typeName.EndsWith(AttributeSuffix, System.StringComparison.Ordinal))
        {
            names.Add(NameHash.Of(typeName.Substring(0, typeName.Length - AttributeSuffix.Length)));
        }
    }
}
