using System.Collections.Immutable;
using System.Composition;
using System.Reflection;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using GfpAnalyzers.Tests.Meta;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>Keeps the fixer catalogue honest: exported, fixing real rules, with stable keys and documented titles.</summary>
public class CodeFixCatalogTests
{
    private static readonly IReadOnlyList<Type> FixerTypes = typeof(GfpFixProvider).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(type))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .ToArray();

    private static IEnumerable<GfpFixProvider> Fixers() => FixerTypes.Select(type => (GfpFixProvider)Activator.CreateInstance(type)!);

    [Fact]
    public void Every_fixer_is_exported_for_CSharp_under_its_own_name_and_shared()
    {
        Assert.NotEmpty(FixerTypes);
        foreach (var type in FixerTypes)
        {
            var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
            Assert.True(export is not null, type.Name + " is not exported");
            Assert.Contains(LanguageNames.CSharp, export!.Languages);
            Assert.Equal(type.Name, export.Name);
            Assert.True(type.GetCustomAttribute<SharedAttribute>() is not null, type.Name + " is not [Shared]");
        }
    }

    [Fact]
    public void Every_fixable_id_is_a_rule_an_analyzer_reports_and_the_fixer_is_named_after_it()
    {
        var declared = typeof(DiagnosticIds).GetFields().Select(field => (string)field.GetRawConstantValue()!).ToHashSet();
        var reported = AnalyzerCatalog.AllDescriptors().Select(descriptor => descriptor.Id).ToHashSet();
        foreach (var fixer in Fixers())
        {
            Assert.NotEmpty(fixer.FixableDiagnosticIds);
            foreach (var id in fixer.FixableDiagnosticIds)
            {
                Assert.Contains(id, declared);
                Assert.True(reported.Contains(id), $"{fixer.GetType().Name} fixes {id}, which no analyzer reports");
                Assert.StartsWith(id, fixer.GetType().Name, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_action_has_a_title_and_a_key_that_means_one_fix()
    {
        var titlesByKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fixer in Fixers())
        {
            Assert.NotNull(fixer.GetFixAllProvider());
            foreach (var action in fixer.Actions)
            {
                Assert.False(string.IsNullOrWhiteSpace(action.Title));
                Assert.StartsWith("GfpAnalyzers.", action.EquivalenceKey, StringComparison.Ordinal);
                if (titlesByKey.TryGetValue(action.EquivalenceKey, out var title))
                {
                    Assert.Equal(title, action.Title);
                }

                titlesByKey[action.EquivalenceKey] = action.Title;
            }
        }

        Assert.Equal(titlesByKey.Count, titlesByKey.Values.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_README_rules_table_lists_each_rules_fixes()
    {
        var readme = File.ReadAllLines(Path.Combine(AnalyzerCatalog.RepositoryRoot(), "README.md"));
        foreach (var fixer in Fixers())
        {
            foreach (var id in fixer.FixableDiagnosticIds)
            {
                var row = readme.FirstOrDefault(line => line.StartsWith("| " + id + " ", StringComparison.Ordinal)
                    || line.StartsWith("| [" + id + "]", StringComparison.Ordinal));
                Assert.True(row is not null, $"README has no row for {id}");
                // Pipes inside a cell are escaped (\|); the code-fix column is the last one.
                var fixCell = row!.Replace("\\|", "\u0001").Split('|').Last(cell => cell.Trim().Length > 0).Replace("\u0001", "|");
                foreach (var action in fixer.Actions)
                {
                    Assert.Contains(action.Title, fixCell);
                }
            }
        }
    }
}
