namespace GfpAnalyzers.Analyzers.Operations;

/// <summary>
/// Stacks for walks of an operation tree, kept per thread between walks: a walk with an explicit stack allocates
/// nothing once the thread's stack has grown (Roslyn's <c>Descendants()</c> allocates its own stack per walk).
/// </summary>
internal static class OperationStacks
{
    [System.ThreadStatic]
    private static OperationStack? s_spare;

    /// <summary>An empty stack for one walk; give it back with <see cref="Return"/>. Taken, not shared: a walk inside a walk gets its own.</summary>
    public static OperationStack Rent()
    {
        var stack = s_spare ?? new OperationStack();
        s_spare = null;
        return stack;
    }

    public static void Return(OperationStack stack)
    {
        stack.Clear();
        s_spare = stack;
    }
}
