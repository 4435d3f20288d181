using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Summaries;

/// <summary>
/// Lock calls in the guard form: a runtime lock call whose guard is, as returned, the resource of a <c>using</c>
/// (<c>using (l.Lock())</c>, <c>using var g = Rcu.ReadLock();</c>, <c>using (var g = LocalIrq.SaveGuard())</c>). The
/// using's finally disposes that guard on every path out of its scope, and the graph's dispose releases exactly the
/// lock the call took, so such a lock can neither leak nor be released wrongly. GFP008 needs no lock flow for a body
/// whose every lock call has this form and that calls no lock helper (<see cref="MethodScan.LocksOnlyInUsingGuards"/>).
/// Anything else — a converted guard (<c>using (IDisposable d = l.Lock())</c>, whose dispose the lock flow does not
/// recognise), a conditional one (<c>using (l?.Lock())</c>), an <c>await using</c> — is not the guard form.
/// </summary>
internal static class UsingGuards
{
    /// <summary>
    /// True when <paramref name="call"/>, a call of <paramref name="operation"/> (its lock operation), takes a lock and
    /// returns a runtime guard that a synchronous using statement or declaration holds, unconverted, as its resource.
    /// </summary>
    public static bool IsGuardResource(IInvocationOperation call, LockOperation operation, RuntimeSymbols symbols)
    {
        if (operation.Role != LockRole.Acquire || !symbols.Locks.IsGuard(call.TargetMethod.ReturnType))
        {
            return false;
        }

        // No conversion may sit between the call and the using: the dispose must be the guard's own (see IsGuardDispose).
        return call.Parent switch
        {
            IUsingOperation statement => IsSynchronous(statement) && statement.Resources == call,
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } } initializer
                => initializer.Value == call && DeclaresUsingResources(group),
            _ => false,
        };
    }

    /// <summary>
    /// True when every resource of <paramref name="operation"/> (a using statement or declaration) is a runtime lock
    /// call in the guard form: its hidden <c>Dispose()</c> calls are the runtime guards' own, never another assembly's.
    /// </summary>
    public static bool DisposesOnlyLockGuards(IOperation operation, RuntimeSymbols symbols)
    {
        IVariableDeclarationGroupOperation group;
        switch (operation)
        {
            case IUsingOperation { Resources: IVariableDeclarationGroupOperation declarations }:
                group = declarations;
                break;
            case IUsingOperation { Resources: IInvocationOperation call }:
                return IsLockGuardResource(call, symbols);
            case IUsingDeclarationOperation declaration:
                group = declaration.DeclarationGroup;
                break;
            default:
                return false;
        }

        foreach (var declaration in group.Declarations)
        {
            foreach (var declarator in declaration.Declarators)
            {
                if (declarator.Initializer?.Value is not IInvocationOperation call || !IsLockGuardResource(call, symbols))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsLockGuardResource(IInvocationOperation call, RuntimeSymbols symbols)
        => symbols.Locks.Classify(call.TargetMethod) is { } operation && IsGuardResource(call, operation, symbols);

    private static bool DeclaresUsingResources(IVariableDeclarationGroupOperation group)
        => group.Parent switch
        {
            IUsingOperation statement => IsSynchronous(statement) && statement.Resources == group,
            IUsingDeclarationOperation declaration => !declaration.IsAsynchronous,
            _ => false,
        };

    private static bool IsSynchronous(IUsingOperation statement) => !statement.IsAsynchronous;
}
