namespace GfpAnalyzers.Runtime.Tests;

/// <summary>Every wait in a concurrency test is bounded, so a broken model fails the test instead of hanging it.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(20);

    /// <summary>Awaits <paramref name="task"/>, failing with TimeoutException after <see cref="Long"/>.</summary>
    public static Task Within(this Task task) => task.WaitAsync(Long);

    /// <summary>Whether <paramref name="task"/> is still running after <paramref name="milliseconds"/>.</summary>
    public static async Task<bool> StillRunningAfter(this Task task, int milliseconds)
    {
        await Task.WhenAny(task, Task.Delay(milliseconds));
        return !task.IsCompleted;
    }

    public static Task Thread(Action action) => Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
