namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>
/// A small program for the proof against the runtime: <c>Program.Run(PageAllocator allocator, ...)</c>, whose bool and
/// int parameters pick the paths. <see cref="Flagged"/> lists the rule of every diagnostic the analyzers must report on
/// it under the default configuration, in source order (so a program that stops being flagged fails, not passes).
/// Locks report to <c>allocator.Log</c>, so one log holds everything the runtime says about a run.
/// </summary>
public sealed record AtomicProgram(string Name, string[] Flagged, string Body)
{
    public const string Prelude = "#nullable enable\nusing System;\nusing System.Threading;\nusing GfpAnalyzers.Runtime;\n";

    public string Source => Prelude + Body;

    public override string ToString() => Name;
}
