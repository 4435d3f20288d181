using System.Collections.Immutable;
using System.Reflection;
using GfpAnalyzers.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>What the catalogue meta-tests compare: the rules the analyzer assembly reports, and files of the repository.</summary>
internal static class RepositoryFiles
{
    /// <summary>The repository's root: the nearest folder above the test binaries that holds GfpAnalyzers.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] relative) => Path.Combine([Root, .. relative]);

    /// <summary>
    /// Every GFP descriptor that an exported analyzer supports, one per ID, by ID. Read from the analyzers themselves
    /// (not from DiagnosticIds), so a rule counts once it is really reported.
    /// </summary>
    public static ImmutableSortedDictionary<string, DiagnosticDescriptor> SupportedRules()
    {
        var rules = ImmutableSortedDictionary.CreateBuilder<string, DiagnosticDescriptor>(StringComparer.Ordinal);
        foreach (var type in typeof(DiagnosticIds).Assembly.GetTypes())
        {
            if (type.IsAbstract || !typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                || type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is null)
            {
                continue;
            }

            var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
            foreach (var descriptor in analyzer.SupportedDiagnostics)
            {
                if (descriptor.Id.StartsWith("GFP", StringComparison.Ordinal))
                {
                    rules[descriptor.Id] = descriptor;
                }
            }
        }

        return rules.ToImmutable();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GfpAnalyzers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GfpAnalyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
