using System.Collections.Generic;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Relevance;

/// <summary>
/// Where the relevance gate starts: the names through which code reaches the runtime (its types, attribute names
/// without the suffix, its extension methods, and the members of a type imported with <c>using static</c>), and
/// the same for every referenced assembly built on the runtime, directly or through other such assemblies (a
/// library's <c>[MightSleep]</c> methods, and a second library's types that return or derive from the first's).
/// Extension methods the compiler may call unnamed go to <c>hiddenCalls</c> as well (<see cref="HiddenCalls"/>).
/// </summary>
internal static class RuntimeNames
{
    public static void AddTo(HashSet<ulong> names, HashSet<ulong> hiddenCalls, Compilation compilation, HashSet<ulong> usingStatic)
    {
        var builtOnRuntime = new HashSet<IAssemblySymbol>(SymbolEqualityComparer.Default);
        var runtime = RuntimeNamespace(compilation.GlobalNamespace);
        if (runtime is not null)
        {
            AddTypes(runtime, names, hiddenCalls, usingStatic, builtOnRuntime);
        }

        // A fixed point over the references: each round adds the assemblies that reference one already in the set.
        var referenced = compilation.SourceModule.ReferencedAssemblySymbols;
        var added = true;
        while (added)
        {
            added = false;
            foreach (var assembly in referenced)
            {
                if (!builtOnRuntime.Contains(assembly) && References(assembly, builtOnRuntime))
                {
                    builtOnRuntime.Add(assembly);
                    added = true;
                    AddTypes(assembly.GlobalNamespace, names, hiddenCalls, usingStatic, assemblies: null);
                }
            }
        }
    }

    private static INamespaceSymbol? RuntimeNamespace(INamespaceSymbol global)
    {
        INamespaceSymbol? current = global;
        foreach (var part in RuntimeSymbols.RuntimeNamespace.Split('.'))
        {
            current = Child(current, part);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    private static INamespaceSymbol? Child(INamespaceSymbol parent, string name)
    {
        foreach (var member in parent.GetNamespaceMembers())
        {
            if (member.Name == name)
            {
                return member;
            }
        }

        return null;
    }

    private static bool References(IAssemblySymbol assembly, HashSet<IAssemblySymbol> runtimeAssemblies)
    {
        foreach (var module in assembly.Modules)
        {
            foreach (var referenced in module.ReferencedAssemblySymbols)
            {
                if (runtimeAssemblies.Contains(referenced))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Every type under the namespace, nested ones included, with an explicit stack (namespaces nest as deep as the input).
    private static void AddTypes(INamespaceSymbol root, HashSet<ulong> names, HashSet<ulong> hiddenCalls, HashSet<ulong> usingStatic, HashSet<IAssemblySymbol>? assemblies)
    {
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current is INamespaceSymbol ns)
            {
                foreach (var member in ns.GetMembers())
                {
                    pending.Push(member);
                }

                continue;
            }

            var type = (INamedTypeSymbol)current;
            assemblies?.Add(type.ContainingAssembly);
            AddType(type, names, hiddenCalls, usingStatic);
            foreach (var nested in type.GetTypeMembers())
            {
                pending.Push(nested);
            }
        }
    }

    private static void AddType(INamedTypeSymbol type, HashSet<ulong> names, HashSet<ulong> hiddenCalls, HashSet<ulong> usingStatic)
    {
        TypeNameForms.AddTo(names, type.Name);

        if (usingStatic.Contains(NameHash.Of(type.Name)))
        {
            foreach (var member in type.MemberNames)
            {
                names.Add(NameHash.Of(member));
            }
        }

        // Not only static classes: a Visual Basic Module (where VB declares extension methods) imports as a sealed
        // class that is not static, and so does an F# [<Extension>] type; C# calls their extension methods all the
        // same. Which types can hold them is the compiler's call: in metadata, those that carry [Extension].
        if (!type.MightContainExtensionMethods)
        {
            return;
        }

        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol { IsExtensionMethod: true })
            {
                names.Add(NameHash.Of(member.Name));
                if (HiddenCalls.IsHidden(member.Name))
                {
                    hiddenCalls.Add(NameHash.Of(member.Name));
                }
            }
        }
    }
}
