namespace GfpAnalyzers.Runtime;

/// <summary>
/// <c>current</c>: the task the calling thread plays, named in reports as Linux names it
/// (<c>name: swapper/0</c>, <c>pid: 1</c>).
/// </summary>
public static class CurrentTask
{
    [ThreadStatic]
    private static string? t_comm;

    /// <summary>The task's command name (<c>current-&gt;comm</c>); defaults to <c>swapper/0</c>, the boot task.</summary>
    public static string Comm
    {
        get => t_comm ?? "swapper/0";
        set => t_comm = value;
    }

    /// <summary>The task's pid: the managed thread id of the calling thread.</summary>
    public static int Pid => Environment.CurrentManagedThreadId;
}
