using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Summaries;

/// <summary>
/// The methods of this compilation a <c>foreach</c> or a <c>using</c> calls without naming them: the loop's
/// <c>GetEnumerator</c>, <c>MoveNext</c> and the enumerator's <c>Dispose</c>, the resource's <c>Dispose</c>. The operation
/// tree has no invocation for them; the control-flow graph has (a <c>Dispose</c> through <c>System.IDisposable</c>,
/// resolved by <see cref="ImplementationOf"/>). A pre-check that reads only the tree's invocations would miss a lock
/// helper called this way (a <c>for_each_locked</c> iterator, a guard of our own).
/// </summary>
internal static class HiddenOwnCalls
{
    /// <summary>
    /// Adds to <paramref name="methods"/> the methods of <paramref name="assembly"/> that <paramref name="operation"/> (a
    /// foreach loop, a using statement or declaration; anything else adds nothing) calls hiddenly.
    /// </summary>
    public static void Collect(IOperation operation, IAssemblySymbol assembly, ref List<IMethodSymbol>? methods)
    {
        switch (operation)
        {
            case IForEachLoopOperation { Syntax: CommonForEachStatementSyntax syntax, SemanticModel: { } model } loop
                when loop.IsAsynchronous || !EnumeratesElsewhere(Unconverted(loop.Collection).Type, assembly):
                var info = model.GetForEachStatementInfo(syntax);
                Add(info.GetEnumeratorMethod, assembly, ref methods);
                Add(info.MoveNextMethod, assembly, ref methods);
                Add(DisposeOf(info.GetEnumeratorMethod?.ReturnType, assembly, info.DisposeMethod), assembly, ref methods);
                break;
            case IUsingOperation { Resources: IVariableDeclarationGroupOperation group }:
                AddDisposes(group, assembly, ref methods);
                break;
            case IUsingOperation { Resources: { } resource }:
                Add(DisposeOf(Unconverted(resource).Type, assembly), assembly, ref methods);
                break;
            case IUsingDeclarationOperation declaration:
                AddDisposes(declaration.DeclarationGroup, assembly, ref methods);
                break;
        }
    }

    /// <summary>
    /// The method an interface method called on a receiver of static type <paramref name="receiverType"/> runs, when the
    /// call can reach only that one: the receiver is a struct or a sealed class, or its implementation is not virtual (a
    /// <c>using</c>'s or a <c>foreach</c>'s <c>IDisposable.Dispose()</c> on a guard or an enumerator of our own). Null otherwise.
    /// </summary>
    public static IMethodSymbol? ImplementationOf(IMethodSymbol interfaceMethod, ITypeSymbol? receiverType)
    {
        if (receiverType is not INamedTypeSymbol { TypeKind: TypeKind.Struct or TypeKind.Class } type
            || interfaceMethod.ContainingType?.TypeKind != TypeKind.Interface
            || type.FindImplementationForInterfaceMember(interfaceMethod) is not IMethodSymbol implementation)
        {
            return null;
        }

        return type.IsValueType || type.IsSealed || !(implementation.IsVirtual || implementation.IsAbstract || implementation.IsOverride)
            ? implementation
            : null;
    }

    /// <summary>The operand under implicit and explicit conversions (a using's resource converted to IDisposable).</summary>
    public static IOperation Unconverted(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static void AddDisposes(IVariableDeclarationGroupOperation group, IAssemblySymbol assembly, ref List<IMethodSymbol>? methods)
    {
        foreach (var declaration in group.Declarations)
        {
            foreach (var declarator in declaration.Declarators)
            {
                Add(DisposeOf(declarator.Symbol.Type, assembly), assembly, ref methods);
            }
        }
    }

    /// <summary>
    /// What disposing a value of <paramref name="type"/> calls: a ref struct's own parameterless <c>Dispose</c> (the
    /// pattern), otherwise the implementation of <c>IDisposable.Dispose</c> (<paramref name="disposeMethod"/> when known).
    /// </summary>
    private static IMethodSymbol? DisposeOf(ITypeSymbol? type, IAssemblySymbol assembly, IMethodSymbol? disposeMethod = null)
    {
        // Only a type of ours has a Dispose of ours (most resources are the BCL's: no interface map to build for them).
        if (type is null || !Here(type, assembly))
        {
            return null;
        }

        if (disposeMethod is not null && disposeMethod.ContainingType?.TypeKind != TypeKind.Interface)
        {
            return disposeMethod;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.SpecialType == SpecialType.System_IDisposable)
            {
                foreach (var member in implemented.GetMembers("Dispose"))
                {
                    if (member is IMethodSymbol dispose)
                    {
                        return ImplementationOf(dispose, type);
                    }
                }
            }
        }

        if (type.IsRefLikeType)
        {
            foreach (var member in type.GetMembers("Dispose"))
            {
                if (member is IMethodSymbol { Parameters.Length: 0, IsStatic: false } dispose)
                {
                    return dispose;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A collection of another assembly that is an array, a string or implements <c>IEnumerable</c>: its own
    /// GetEnumerator (or the interface's) is the one a foreach calls, never one of ours (an extension method is chosen
    /// only when neither exists). Answered without asking the semantic model, for most loops.
    /// </summary>
    private static bool EnumeratesElsewhere(ITypeSymbol? type, IAssemblySymbol assembly)
    {
        if (type is null || type.TypeKind is TypeKind.Error or TypeKind.TypeParameter or TypeKind.Dynamic || Here(type, assembly))
        {
            return false;
        }

        if (type.TypeKind == TypeKind.Array || type.SpecialType is SpecialType.System_String or SpecialType.System_Collections_IEnumerable)
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.SpecialType == SpecialType.System_Collections_IEnumerable)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Here(ITypeSymbol type, IAssemblySymbol assembly)
        => SymbolEqualityComparer.Default.Equals(type.OriginalDefinition.ContainingAssembly, assembly);

    private static void Add(IMethodSymbol? method, IAssemblySymbol assembly, ref List<IMethodSymbol>? methods)
    {
        if (method is not null && SymbolEqualityComparer.Default.Equals(method.OriginalDefinition.ContainingAssembly, assembly))
        {
            (methods ??= new()).Add(method);
        }
    }
}
