using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Harness;

/// <summary>
/// The analyzers an assembly exports for C#, as a compiler or an IDE loads them: the types marked
/// <c>[DiagnosticAnalyzer]</c>. GfpAnalyzers exports one, the host of every rule; the rules themselves are analyzers
/// too (each test runs one alone) but are not exported.
/// </summary>
internal static class ExportedAnalyzers
{
    public static ImmutableArray<DiagnosticAnalyzer> In(Assembly assembly)
        => [.. TypesIn(assembly).Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)];

    public static IEnumerable<Type> TypesIn(Assembly assembly)
        => assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && IsExportedForCSharp(type))
            .OrderBy(type => type.FullName, StringComparer.Ordinal);

    public static bool IsExportedForCSharp(Type analyzerType)
        => analyzerType.GetCustomAttributes<DiagnosticAnalyzerAttribute>()
            .Any(attribute => attribute.Languages.Contains(LanguageNames.CSharp));
}
