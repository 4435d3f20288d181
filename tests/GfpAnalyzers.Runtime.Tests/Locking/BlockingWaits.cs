namespace GfpAnalyzers.Runtime.Tests;

/// <summary>
/// Bounded synchronous waits for tests that hold per-thread state (a lock, a preempt count, saved interrupt flags):
/// they cannot await, because the continuation may resume on another thread.
/// </summary>
internal static class BlockingWaits
{
    /// <summary>Runs <paramref name="body"/> on a thread of its own and returns its result.</summary>
    public static T OnAnotherThread<T>(Func<T> body)
    {
        var result = default(T);
        TestTimeouts.Thread(() => result = body()).Finishes();
        return result!;
    }

    /// <summary>Waits (at most <see cref="TestTimeouts.Long"/>) for <paramref name="task"/>, failing if it does not finish.</summary>
    public static void Finishes(this Task task) => Assert.True(task.Wait(TestTimeouts.Long), "the thread did not finish in time");

    /// <summary>Whether <paramref name="task"/> is still running after <paramref name="milliseconds"/>.</summary>
    public static bool StillBlockedAfter(this Task task, int milliseconds) => !task.Wait(milliseconds);
}
