using System.Reflection;

namespace GfpAnalyzers.Corpus;

/// <summary>Source files used as realistic input by the robustness tests and the benchmarks.</summary>
internal static class CorpusFiles
{
    /// <summary>An early-PFN tracker that uses every construct the rules look at (compiles against the runtime).</summary>
    public static string EarlyPfnTracker { get; } = Read("EarlyPfnTracker.txt");

    private static string Read(string name)
    {
        // Embedded by the consuming project with LogicalName="Corpus.<file name>".
        using var stream = typeof(CorpusFiles).Assembly.GetManifestResourceStream("Corpus." + name)
            ?? throw new InvalidOperationException($"Corpus file {name} is not embedded in this assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
