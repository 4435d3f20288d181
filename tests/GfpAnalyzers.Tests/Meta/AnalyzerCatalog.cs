using System.Reflection;
using GfpAnalyzers.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>Every analyzer the package ships, found by reflection so a new rule is covered without editing tests.</summary>
internal static class AnalyzerCatalog
{
    public static IReadOnlyList<Type> AnalyzerTypes { get; } = typeof(RuleDescriptors).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .ToArray();

    public static IReadOnlyList<DiagnosticAnalyzer> CreateAll()
        => AnalyzerTypes.Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!).ToArray();

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

    public static bool IsExportedForCSharp(Type analyzerType)
        => analyzerType.GetCustomAttributes<DiagnosticAnalyzerAttribute>()
            .Any(attribute => attribute.Languages.Contains(LanguageNames.CSharp));
}
