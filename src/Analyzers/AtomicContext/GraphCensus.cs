// TEMPORARY instrumentation (h27, not to be committed).
#pragma warning disable RS1035
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;

namespace GfpAnalyzers.Analyzers.AtomicContext;

internal static class GraphCensus
{
    private static readonly string? Path = System.Environment.GetEnvironmentVariable("GFP_GRAPH_CENSUS");
    private static readonly ConcurrentDictionary<string, int> Counts = new();

    static GraphCensus()
    {
        if (Path is not null)
        {
            System.AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                System.IO.File.WriteAllLines(Path, Counts.OrderByDescending(p => p.Value).Select(p => $"{p.Value,6} {p.Key}").Prepend($"{Counts.Values.Sum(),6} TOTAL"));
        }
    }

    public static void Note(string what)
    {
        if (Path is not null)
        {
            Counts.AddOrUpdate("note " + what, 1, (_, n) => n + 1);
        }
    }

    public static void Built(string prefix = "")
    {
        if (Path is null)
        {
            return;
        }

        var names = new System.Collections.Generic.List<string>();
        foreach (var frame in new StackTrace().GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            while (type?.DeclaringType is not null && type.Name.Contains("<"))
            {
                type = type.DeclaringType;
            }

            if (type is null || type.Assembly != typeof(GraphCensus).Assembly || type == typeof(GraphCensus) || type == typeof(ControlFlowGraphs) || type.Name == "FlagValueAnalysis" || type.Name == "AtomicContextAnalysis" || type.Name == "AllocationSites")
            {
                continue;
            }

            if (names.Count == 0 || names[names.Count - 1] != type.Name)
            {
                names.Add(type.Name);
            }

            if (names.Count == 3)
            {
                break;
            }
        }

        Counts.AddOrUpdate(prefix + string.Join(" <- ", names), 1, (_, n) => n + 1);
    }
}
