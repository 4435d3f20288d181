using System.Text.RegularExpressions;
using GfpAnalyzers.Analyzers.Rules;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>Keeps the rule catalogue honest: exports, IDs, help links and docs pages.</summary>
public class RuleCatalogTests
{
    [Fact]
    public void The_package_exports_two_hosts_for_CSharp_and_they_host_every_rule_once()
    {
        Assert.Equal(
            [typeof(GfpAnalyzers.Analyzers.Hosting.GfpAnalyzer), typeof(GfpAnalyzers.Analyzers.Hosting.GfpSuggestionAnalyzer)],
            AnalyzerCatalog.ExportedTypes.OrderBy(type => type.Name, StringComparer.Ordinal));
        var hosted = AnalyzerCatalog.HostedRules().Select(rule => rule.GetType()).OrderBy(type => type.FullName, StringComparer.Ordinal);
        Assert.Equal(AnalyzerCatalog.RuleTypes, hosted);
    }

    [Fact]
    public void Suggestions_have_a_host_of_their_own_so_that_a_command_line_build_skips_them()
    {
        // The command-line compiler runs no analyzer whose every diagnostic is Info or Hidden (it would print nothing):
        // a suggestion hosted with the warnings would cost every build its analysis.
        var warnings = new GfpAnalyzers.Analyzers.Hosting.GfpAnalyzer().SupportedDiagnostics;
        var suggestions = new GfpAnalyzers.Analyzers.Hosting.GfpSuggestionAnalyzer().SupportedDiagnostics;
        Assert.All(warnings, d => Assert.True(d.DefaultSeverity >= DiagnosticSeverity.Warning, $"{d.Id} is {d.DefaultSeverity} but hosted by GfpAnalyzer"));
        Assert.All(suggestions, d => Assert.True(d.DefaultSeverity <= DiagnosticSeverity.Info, $"{d.Id} is {d.DefaultSeverity} but hosted by GfpSuggestionAnalyzer"));
        Assert.Empty(warnings.Select(d => d.Id).Intersect(suggestions.Select(d => d.Id)));
        Assert.NotEmpty(suggestions);
    }

    [Fact]
    public void Every_rule_id_is_a_GFP_id_declared_in_DiagnosticIds()
    {
        var declared = typeof(DiagnosticIds).GetFields().Select(field => (string)field.GetRawConstantValue()!).ToHashSet();
        foreach (var descriptor in AnalyzerCatalog.AllDescriptors())
        {
            Assert.Matches(new Regex("^GFP[0-9]{3}$"), descriptor.Id);
            Assert.Contains(descriptor.Id, declared);
        }
    }

    [Fact]
    public void Every_rule_links_to_its_own_docs_page_and_the_page_exists()
    {
        var root = AnalyzerCatalog.RepositoryRoot();
        foreach (var descriptor in AnalyzerCatalog.AllDescriptors())
        {
            Assert.Equal(RuleDescriptors.HelpLinkFor(descriptor.Id), descriptor.HelpLinkUri);
            var page = Path.Combine(root, "docs", "rules", descriptor.Id + ".md");
            Assert.True(File.Exists(page), $"{descriptor.Id}: {page} is missing");
            var text = File.ReadAllText(page);
            Assert.Contains(descriptor.Id, text);
        }
    }

    [Fact]
    public void Every_rule_has_a_title_a_message_and_a_description()
    {
        foreach (var descriptor in AnalyzerCatalog.AllDescriptors())
        {
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()), descriptor.Id + " has no title");
            Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString()), descriptor.Id + " has no message");
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), descriptor.Id + " has no description");
            Assert.True(descriptor.IsEnabledByDefault, descriptor.Id + " is disabled by default");
        }
    }
}
