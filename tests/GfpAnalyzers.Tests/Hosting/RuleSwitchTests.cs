using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Hosting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GfpAnalyzers.Tests.Hosting;

#pragma warning disable RS2008 // test descriptors, never shipped

/// <summary>
/// When the host may skip a rule's work: only when every diagnostic of the rule is off in every layer of options
/// (compilation, global config, every tree). Skipping a rule that one layer switches on would lose its diagnostics.
/// </summary>
public class RuleSwitchTests
{
    private static readonly DiagnosticDescriptor First = Descriptor("TEST001", enabledByDefault: true);
    private static readonly DiagnosticDescriptor Second = Descriptor("TEST002", enabledByDefault: true);
    private static readonly DiagnosticDescriptor OffByDefault = Descriptor("TEST003", enabledByDefault: false);

    [Fact]
    public void A_rule_is_on_by_default()
        => Assert.True(IsOn([First], Compilation()));

    [Fact]
    public void A_rule_whose_only_diagnostic_the_compilation_suppresses_is_off()
        => Assert.False(IsOn([First], Compilation(specific: [("TEST001", ReportDiagnostic.Suppress)])));

    [Fact]
    public void A_rule_with_one_diagnostic_still_on_is_on()
        => Assert.True(IsOn([First, Second], Compilation(specific: [("TEST001", ReportDiagnostic.Suppress)])));

    [Fact]
    public void Default_in_the_compilation_options_leaves_the_descriptor_default()
        => Assert.True(IsOn([First], Compilation(specific: [("TEST001", ReportDiagnostic.Default)])));

    [Fact]
    public void A_rule_every_tree_switches_off_is_off()
        => Assert.False(IsOn([First], Compilation(trees: 2, inTree: (_, id) => id == "TEST001" ? ReportDiagnostic.Suppress : null)));

    [Fact]
    public void A_rule_one_tree_leaves_at_its_default_is_on()
        => Assert.True(IsOn([First], Compilation(trees: 2, inTree: (index, _) => index == 0 ? ReportDiagnostic.Suppress : null)));

    [Fact]
    public void A_rule_one_tree_switches_on_is_on_although_the_compilation_suppresses_it()
        => Assert.True(IsOn(
            [First],
            Compilation(specific: [("TEST001", ReportDiagnostic.Suppress)], trees: 2, inTree: (index, _) => index == 1 ? ReportDiagnostic.Warn : null)));

    [Fact]
    public void A_global_config_switches_a_rule_off_and_a_rule_off_by_default_on()
    {
        Assert.False(IsOn([First], Compilation(global: [("TEST001", ReportDiagnostic.Suppress)])));
        Assert.False(IsOn([OffByDefault], Compilation()));
        Assert.True(IsOn([OffByDefault], Compilation(global: [("TEST003", ReportDiagnostic.Warn)])));
    }

    [Fact]
    public void A_diagnostic_that_cannot_be_configured_keeps_its_rule_on()
    {
        var notConfigurable = new DiagnosticDescriptor("TEST004", "t", "m", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true, customTags: WellKnownDiagnosticTags.NotConfigurable);
        Assert.True(IsOn([notConfigurable], Compilation(specific: [("TEST004", ReportDiagnostic.Suppress)])));
    }

    private static bool IsOn(ImmutableArray<DiagnosticDescriptor> descriptors, Compilation compilation)
        => RuleSwitch.IsOn(descriptors, compilation, CancellationToken.None);

    private static DiagnosticDescriptor Descriptor(string id, bool enabledByDefault)
        => new(id, "title", "message", "Test", DiagnosticSeverity.Warning, enabledByDefault);

    private static CSharpCompilation Compilation(
        (string Id, ReportDiagnostic Value)[]? specific = null,
        (string Id, ReportDiagnostic Value)[]? global = null,
        int trees = 1,
        Func<int, string, ReportDiagnostic?>? inTree = null)
    {
        var syntaxTrees = Enumerable.Range(0, trees)
            .Select(index => CSharpSyntaxTree.ParseText($"class C{index} {{ }}", path: $"File{index}.cs"))
            .ToArray();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
            .WithSpecificDiagnosticOptions((specific ?? []).Select(pair => KeyValuePair.Create(pair.Id, pair.Value)))
            .WithSyntaxTreeOptionsProvider(new TestTreeOptions(syntaxTrees, global ?? [], inTree ?? ((_, _) => null)));
        return CSharpCompilation.Create("Switch", syntaxTrees, options: options);
    }

    /// <summary>What .editorconfig files (per tree) and a .globalconfig (for all) would say.</summary>
    private sealed class TestTreeOptions(SyntaxTree[] trees, (string Id, ReportDiagnostic Value)[] global, Func<int, string, ReportDiagnostic?> inTree) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.NotGenerated;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            var value = inTree(Array.IndexOf(trees, tree), diagnosticId);
            severity = value ?? ReportDiagnostic.Default;
            return value is not null;
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            foreach (var (id, value) in global)
            {
                if (id == diagnosticId)
                {
                    severity = value;
                    return true;
                }
            }

            severity = ReportDiagnostic.Default;
            return false;
        }
    }
}
#pragma warning restore RS2008
