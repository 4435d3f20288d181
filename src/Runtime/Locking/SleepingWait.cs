namespace GfpAnalyzers.Runtime;

/// <summary>
/// What every sleeping lock does on the way in: might_sleep()'s check, and when it must wait, schedule()'s
/// "scheduling while atomic" check and a bounded wait that ends in the hung-task report instead of a hang.
/// </summary>
internal static class SleepingWait
{
    /// <summary>
    /// Waits, holding <paramref name="gate"/>'s monitor, until <paramref name="available"/> holds. Blocking in atomic
    /// context is reported first; after <paramref name="timeout"/> the hung task is reported and
    /// <see cref="TimeoutException"/> thrown.
    /// </summary>
    public static void Until(object gate, Func<bool> available, TimeSpan timeout, KernelLog log, string what)
    {
        if (available())
        {
            return;
        }

        var report = AtomicSleepReport.SchedulingWhileAtomic();
        if (report is not null)
        {
            log.Print(report);
        }

        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!available())
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                log.Print($"INFO: task {CurrentTask.Comm}:{CurrentTask.Pid} blocked for more than {timeout.TotalSeconds:0.###} seconds.\n"
                    + $"waiting in {what}\n" + HeldLocks.Describe());
                throw new TimeoutException($"{what}: {CurrentTask.Comm}/{CurrentTask.Pid} waited more than {timeout.TotalMilliseconds:0} ms (hung task).");
            }

            Monitor.Wait(gate, TimeSpan.FromMilliseconds(left));
        }
    }

    /// <summary>Validates a hung-task timeout.</summary>
    public static TimeSpan Positive(TimeSpan value)
        => value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout must be positive.");
}
