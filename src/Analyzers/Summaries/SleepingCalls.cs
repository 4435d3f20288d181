using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Summaries;

internal enum SleepingCallKind
{
    None,

    /// <summary><c>Rcu.Synchronize()</c>: always sleeps.</summary>
    Synchronize,

    /// <summary>A method (or property) marked <c>[MightSleep]</c>.</summary>
    MightSleep,

    /// <summary>A method of this compilation with a body: sleeps if its summary says so.</summary>
    SourceMethod,
}

/// <summary>Which calls may sleep, and how messages name them.</summary>
internal static class SleepingCalls
{
    public static (SleepingCallKind Kind, IMethodSymbol? Method) Classify(IOperation operation, RuntimeSymbols symbols, IAssemblySymbol assembly)
    {
        var (method, property) = operation switch
        {
            IInvocationOperation invocation => (invocation.TargetMethod, (IPropertySymbol?)null),
            IObjectCreationOperation creation => (creation.Constructor, null),
            IPropertyReferenceOperation reference => (Accessor(reference), reference.Property),
            _ => (null, null),
        };

        if (method is null)
        {
            return (SleepingCallKind.None, null);
        }

        // Allocations are GFP001's to judge (with their flags); lock calls are not sleeping calls.
        if (symbols.IsAllocation(method) || symbols.IsLockOperation(method))
        {
            return (SleepingCallKind.None, null);
        }

        if (symbols.IsSynchronize(method))
        {
            return (SleepingCallKind.Synchronize, method);
        }

        if (AtomicContextAnalysis.HasAttribute(method, symbols.MightSleepAttribute, symbols) || symbols.HasAttribute(property, symbols.MightSleepAttribute))
        {
            return (SleepingCallKind.MightSleep, method);
        }

        return HasBodyHere(method, assembly) ? (SleepingCallKind.SourceMethod, method) : (SleepingCallKind.None, null);
    }

    /// <summary>
    /// A sleeping lock taken by this call (<c>KMutex.Lock</c>, <c>KSemaphore.Down</c>): how a message opens ("Taking mutex
    /// '_m'") and why it sleeps; null for any other call.
    /// </summary>
    public static (string Opening, string Reason)? SleepingLock(IOperation operation, RuntimeSymbols symbols)
    {
        if (operation is not IInvocationOperation { TargetMethod: var method } invocation)
        {
            return null;
        }

        var receiver = AtomicContext.GraphScan.PathOf(invocation.Instance) ?? invocation.Instance?.Syntax.ToString() ?? method.ContainingType.Name;
        if (method.Name == "Lock" && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, symbols.KMutex))
        {
            return ($"Taking mutex '{receiver}'", "mutex_lock() sleeps while another task holds the mutex");
        }

        if (method.Name == "Down" && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, symbols.KSemaphore))
        {
            return ($"Taking semaphore '{receiver}'", "down() sleeps until the semaphore is available");
        }

        return null;
    }

    /// <summary>"Rcu.Synchronize()" for the grace-period wait, otherwise the method's name.</summary>
    public static string Display(SleepingCallKind kind, IMethodSymbol method)
        => kind == SleepingCallKind.Synchronize ? "Rcu.Synchronize()" : Interprocedural.SummaryStore.NameOf(method);

    /// <summary>How a message opens: "Call to 'Flush'", "Reading property 'Lazy'", "Setting property 'Size'".</summary>
    public static string Describe(SleepingCallKind kind, IMethodSymbol method) => method.MethodKind switch
    {
        MethodKind.PropertyGet when method.AssociatedSymbol is { } property => $"Reading property '{property.Name}'",
        MethodKind.PropertySet when method.AssociatedSymbol is { } property => $"Setting property '{property.Name}'",
        _ => $"Call to '{Display(kind, method)}'",
    };

    private static IMethodSymbol? Accessor(IPropertyReferenceOperation reference)
        => reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference
            ? reference.Property.SetMethod
            : reference.Property.GetMethod;

    /// <summary>A method whose body is in this compilation (so it has a summary); not abstract, extern or a delegate's Invoke.</summary>
    private static bool HasBodyHere(IMethodSymbol method, IAssemblySymbol assembly)
        => !method.IsAbstract && !method.IsExtern && method.MethodKind != MethodKind.DelegateInvoke
           && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, assembly)
           && !method.DeclaringSyntaxReferences.IsEmpty;
}
