using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Operations;

/// <summary>
/// Stacks for walks of an operation tree, kept per thread between walks: a walk with an explicit stack allocates
/// nothing once the thread's stack has grown (Roslyn's <c>Descendants()</c> allocates its own stack per walk).
/// </summary>
internal static class OperationStacks
{
    [System.ThreadStatic]
    private static Stack<IOperation>? s_spare;

    /// <summary>An empty stack for one walk; give it back with <see cref="Return"/>. Taken, not shared: a walk inside a walk gets its own.</summary>
    public static Stack<IOperation> Rent()
    {
        var stack = s_spare ?? new Stack<IOperation>();
        s_spare = null;
        return stack;
    }

    public static void Return(Stack<IOperation> stack)
    {
        stack.Clear();
        s_spare = stack;
    }

    /// <summary>Pushes the children of <paramref name="operation"/> (a walk's step; the order of a pre-order walk is not kept).</summary>
    public static void PushChildren(Stack<IOperation> stack, IOperation operation)
    {
        foreach (var child in operation.ChildOperations)
        {
            stack.Push(child);
        }
    }
}
