using GfpAnalyzers.Harness;
using GfpAnalyzers.Runtime;

namespace GfpAnalyzers.Tests.Reliability;

/// <summary>One shared <see cref="GfpWorkbench"/> for the reliability tests (references resolved once).</summary>
internal static class ReliabilityWorkbench
{
    public static GfpWorkbench Instance { get; } = new(GfpWorkbench.PlatformReferences(typeof(Gfp).Assembly.Location));
}
