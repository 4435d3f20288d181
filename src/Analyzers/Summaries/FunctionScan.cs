using System.Collections.Generic;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Summaries;

/// <summary>What one function (the method, a local function or a lambda) contains, from a walk of the operation tree.</summary>
internal sealed class FunctionInfo
{
    public FunctionInfo(ISymbol? symbol, bool isLambda)
    {
        Symbol = symbol;
        IsLambda = isLambda;
    }

    public ISymbol? Symbol { get; }

    /// <summary>Lambda bodies run when the delegate is invoked: they add nothing to the enclosing method's summary.</summary>
    public bool IsLambda { get; }

    public List<(IOperation Operation, SleepingCallKind Kind, IMethodSymbol Method)> Calls { get; } = new();

    public bool HasAllocations { get; set; }

    public bool HasLockCalls { get; set; }

    /// <summary>A lambda passed to an <c>[InvokedInAtomicContext]</c> parameter: its body runs in atomic context.</summary>
    public bool InvokedInAtomicContext { get; set; }
}

/// <summary>
/// The cheap first pass over a method's operation tree (no control-flow graph): each function's calls that
/// may sleep, whether it allocates or locks. It decides whether a graph is needed at all.
/// </summary>
internal static class FunctionScan
{
    public static List<FunctionInfo> Run(IOperation root, ISymbol owner, RuntimeSymbols symbols, IAssemblySymbol assembly)
    {
        var top = new FunctionInfo(owner, isLambda: false);
        var functions = new List<FunctionInfo> { top };
        var stack = new Stack<(IOperation, FunctionInfo)>();
        stack.Push((root, top));
        while (stack.Count > 0)
        {
            var (operation, function) = stack.Pop();
            switch (operation)
            {
                case IAnonymousFunctionOperation lambda:
                    function = new FunctionInfo(lambda.Symbol, isLambda: true)
                    {
                        InvokedInAtomicContext = AtomicContext.AtomicCallbacks.InvokerOf(lambda, symbols) is not null,
                    };
                    functions.Add(function);
                    break;
                case ILocalFunctionOperation local:
                    function = new FunctionInfo(local.Symbol, isLambda: false);
                    functions.Add(function);
                    break;
                case IInvocationOperation invocation:
                    function.HasAllocations |= symbols.IsAllocation(invocation.TargetMethod);
                    function.HasLockCalls |= symbols.IsLockOperation(invocation.TargetMethod);
                    break;
            }

            var (kind, method) = SleepingCalls.Classify(operation, symbols, assembly);
            if (kind != SleepingCallKind.None)
            {
                function.Calls.Add((operation, kind, method!));
            }

            foreach (var child in operation.ChildOperations)
            {
                if (!NeverRuns(operation, child))
                {
                    stack.Push((child, function));
                }
            }
        }

        return functions;
    }

    /// <summary>The branch of `if (false)` / `if (Debug)` on a false const (a translated IS_ENABLED) that cannot run.</summary>
    private static bool NeverRuns(IOperation parent, IOperation child)
        => parent is IConditionalOperation { Condition.ConstantValue: { HasValue: true, Value: bool value } } conditional
           && child == (value ? conditional.WhenFalse : conditional.WhenTrue);
}
