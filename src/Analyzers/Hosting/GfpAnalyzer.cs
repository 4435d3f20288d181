// The one analyzer the package exports. Each rule is written, and tested, as an analyzer of its own (Rules/), but the
// compiler's analyzer driver keeps state, contexts and operation lists per analyzer for every declaration it
// analyses: nine analyzers paid that nine times (48 of the 213 MB our analysis allocated beyond a do-nothing
// analyzer's, 100k lines, `breakdown`). Hosted here, the rules register their actions on one analyzer and pay it once.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using GfpAnalyzers.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

[assembly: SuppressMessage(
    "MicrosoftCodeAnalysisCorrectness",
    "RS1001:Missing diagnostic analyzer attribute",
    Justification = "The rules run inside GfpAnalyzer, the package's only exported analyzer; tests run each alone.",
    Scope = "namespaceanddescendants",
    Target = "~N:GfpAnalyzers.Analyzers.Rules")]

namespace GfpAnalyzers.Analyzers.Hosting;

/// <summary>Runs every GFP rule: each rule's actions, registered on this one analyzer, for the rules that are on.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GfpAnalyzer : DiagnosticAnalyzer
{
    private readonly ImmutableArray<DiagnosticAnalyzer> _rules = CreateRules();

    public GfpAnalyzer()
    {
        var descriptors = new List<DiagnosticDescriptor>();
        var ids = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var rule in _rules)
        {
            foreach (var descriptor in rule.SupportedDiagnostics)
            {
                // GFP002, GFP003 and GFP005 are reported by two rules each, from the same descriptor.
                if (ids.Add(descriptor.Id))
                {
                    descriptors.Add(descriptor);
                }
            }
        }

        descriptors.Sort((left, right) => string.CompareOrdinal(left.Id, right.Id));
        SupportedDiagnostics = descriptors.ToImmutableArray();
    }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    /// <summary>The hosted rules, in a fixed order.</summary>
    internal static ImmutableArray<DiagnosticAnalyzer> CreateRules() => ImmutableArray.Create<DiagnosticAnalyzer>(
        new AllocationContextAnalyzer(),
        new FlagsThroughCallsAnalyzer(),
        new GFP004ClearTagBeforeFreeAnalyzer(),
        new GFP005NoFailWithoutDirectReclaimAnalyzer(),
        new GFP006RedundantFlagAnalyzer(),
        new GFP007HookAllocationWithoutNoCodetagAnalyzer(),
        new GFP008UnbalancedRcuReadLockAnalyzer(),
        new GFP009SleepingCallInRcuSectionAnalyzer(),
        new GFP010MissingMightSleepAnalyzer());

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        foreach (var rule in _rules)
        {
            rule.Initialize(new HostedRuleContext(context, rule));
        }
    }
}
