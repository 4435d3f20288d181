using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>The single factory for every descriptor: help links are derived from the rule ID.</summary>
internal static class RuleDescriptors
{
    /// <summary>Where the rule pages live; each rule's page is <c>docs/rules/&lt;ID&gt;.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/gfpanalyzers/gfpanalyzers/blob/main/docs/rules/";

    public static string HelpLinkFor(string id) => HelpLinkBase + id + ".md";

    public static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        string category,
        DiagnosticSeverity severity,
        string description)
        => new(
            id,
            title,
            messageFormat,
            category,
            severity,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: HelpLinkFor(id));

    /// <summary>As <see cref="Create(string, string, string, string, DiagnosticSeverity, string)"/>, with custom tags
    /// (e.g. <see cref="WellKnownDiagnosticTags.CompilationEnd"/> for a descriptor reported when the compilation ends).</summary>
    public static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        string category,
        DiagnosticSeverity severity,
        string description,
        params string[] customTags)
        => new(
            id,
            title,
            messageFormat,
            category,
            severity,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: HelpLinkFor(id),
            customTags: customTags);
}
