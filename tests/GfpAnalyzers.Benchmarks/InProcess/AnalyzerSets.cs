using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>The analyzers compared: ours (what the package exports) and CA2000 as the SDK ships it.</summary>
internal static class AnalyzerSets
{
    public const string Ca2000 = "CA2000";

    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> s_ours = new(LoadOurs);
    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> s_ca2000 = new(LoadCa2000);

    /// <summary>The analyzers GfpAnalyzers.Analyzers exports (the hosts of the rules), as a build or an editor loads them.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Ours => s_ours.Value;

    /// <summary>
    /// The analyzers of <paramref name="analyzers"/> a command-line build runs: the compiler skips an analyzer whose
    /// every diagnostic is Info or Hidden (it would print nothing) unless it writes an error log. Read from the default
    /// severities: the benchmark's corpus changes none. Use it where a figure stands for a build (the editor runs all).
    /// </summary>
    public static ImmutableArray<DiagnosticAnalyzer> AsACommandLineBuildRunsThem(ImmutableArray<DiagnosticAnalyzer> analyzers)
        => [.. analyzers.Where(analyzer => analyzer.SupportedDiagnostics.Any(d => d.DefaultSeverity >= DiagnosticSeverity.Warning))];

    /// <summary>
    /// Each rule of GfpAnalyzers.Analyzers as an analyzer of its own, as the package shipped them before the host: the
    /// driver's telemetry then splits our time by rule, and the difference to <see cref="Ours"/> is what the host saves.
    /// </summary>
    public static ImmutableArray<DiagnosticAnalyzer> OurRulesAlone()
        => [.. Assembly.Load("GfpAnalyzers.Analyzers").GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !GfpAnalyzers.Harness.ExportedAnalyzers.IsExportedForCSharp(type))
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)];

    /// <summary>The SDK's analyzer that reports CA2000 (DisposeObjectsBeforeLosingScope), alone.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Ca2000Analyzers => s_ca2000.Value;

    /// <summary>Where the running SDK keeps Microsoft.CodeAnalysis.NetAnalyzers.dll (the newest SDK installed).</summary>
    public static string NetAnalyzersPath()
    {
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidates = Directory.Exists(Path.Combine(dotnetRoot, "sdk"))
            ? Directory.GetDirectories(Path.Combine(dotnetRoot, "sdk"))
                .Select(sdk => Path.Combine(sdk, "Sdks", "Microsoft.NET.Sdk", "analyzers", "Microsoft.CodeAnalysis.NetAnalyzers.dll"))
                .Where(File.Exists)
                .OrderBy(path => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path))))), out var v) ? v : new Version(0, 0), Comparer<Version>.Default)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[^1]
            : throw new InvalidOperationException($"No SDK with Microsoft.CodeAnalysis.NetAnalyzers.dll under {dotnetRoot}/sdk.");
    }

    /// <summary>Compilation options that turn CA2000 on (it is off by default) as a warning.</summary>
    public static Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions WithCa2000(Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions options)
        => options.WithSpecificDiagnosticOptions(options.SpecificDiagnosticOptions.SetItem(Ca2000, ReportDiagnostic.Warn));

    /// <summary>
    /// Every analyzer of an older GfpAnalyzers.Analyzers.dll (the `--before` option), loaded into a context of its own so
    /// that it runs beside the current assembly of the same name; Roslyn itself still comes from the default context.
    /// </summary>
    public static ImmutableArray<DiagnosticAnalyzer> Older(string path)
    {
        var context = new System.Runtime.Loader.AssemblyLoadContext($"before:{path}");
        return GfpAnalyzers.Harness.ExportedAnalyzers.In(context.LoadFromAssemblyPath(Path.GetFullPath(path)));
    }

    private static ImmutableArray<DiagnosticAnalyzer> LoadOurs() => GfpAnalyzers.Harness.ExportedAnalyzers.In(Assembly.Load("GfpAnalyzers.Analyzers"));

    private static ImmutableArray<DiagnosticAnalyzer> LoadCa2000()
    {
        var directory = Path.GetDirectoryName(NetAnalyzersPath())!;
        var loader = new DirectoryLoader();
        var analyzers = new List<DiagnosticAnalyzer>();
        foreach (var name in new[] { "Microsoft.CodeAnalysis.NetAnalyzers.dll", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll" })
        {
            var reference = new AnalyzerFileReference(Path.Combine(directory, name), loader);
            analyzers.AddRange(reference.GetAnalyzers(LanguageNames.CSharp)
                .Where(a => a.SupportedDiagnostics.Any(d => d.Id == Ca2000)));
        }

        return analyzers.Count > 0
            ? [.. analyzers]
            : throw new InvalidOperationException($"No analyzer in {directory} reports {Ca2000}.");
    }

    /// <summary>Loads analyzer assemblies (and what they depend on) from their own directory into the default context.</summary>
    private sealed class DirectoryLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }
}
