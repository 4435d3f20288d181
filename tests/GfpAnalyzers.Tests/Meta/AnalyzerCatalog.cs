using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// The analyzers of the package, found by reflection so a new rule is covered without editing tests: what it exports
/// (the hosts, <see cref="GfpAnalyzers.Analyzers.Hosting.GfpAnalyzer"/> and
/// <see cref="GfpAnalyzers.Analyzers.Hosting.GfpSuggestionAnalyzer"/>) and the rules they host.
/// </summary>
internal static class AnalyzerCatalog
{
    /// <summary>The analyzer types the package exports for C#: what a compiler or an IDE loads.</summary>
    public static IReadOnlyList<Type> ExportedTypes { get; } = ExportedAnalyzers.TypesIn(typeof(RuleDescriptors).Assembly).ToArray();

    /// <summary>Every other analyzer type of the assembly: the rules, each testable alone.</summary>
    public static IReadOnlyList<Type> RuleTypes { get; } = typeof(RuleDescriptors).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !ExportedAnalyzers.IsExportedForCSharp(type))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Every rule the package's hosts run, warnings' host first, each in its host's order.</summary>
    public static System.Collections.Immutable.ImmutableArray<DiagnosticAnalyzer> HostedRules()
        => GfpAnalyzers.Analyzers.Hosting.GfpAnalyzer.CreateRules().AddRange(GfpAnalyzers.Analyzers.Hosting.GfpSuggestionAnalyzer.CreateRules());

    /// <summary>New instances of what the package exports, as a build runs them.</summary>
    public static IReadOnlyList<DiagnosticAnalyzer> CreateAll()
        => ExportedAnalyzers.In(typeof(RuleDescriptors).Assembly);

    public static IReadOnlyList<DiagnosticDescriptor> AllDescriptors()
        => CreateAll().SelectMany(analyzer => analyzer.SupportedDiagnostics)
            .GroupBy(descriptor => descriptor.Id)
            .Select(group => group.First())
            .OrderBy(descriptor => descriptor.Id, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The repository root (the folder holding GfpAnalyzers.sln), found from the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GfpAnalyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GfpAnalyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
