// What the package's exported analyzers share: each hosts several rules (Rules/), which register their actions on it.
// The compiler's analyzer driver keeps state, contexts and operation lists per analyzer for every declaration it
// analyses: nine analyzers paid that nine times (48 of the 213 MB our analysis allocated beyond a do-nothing
// analyzer's, 100k lines, `breakdown`). Hosted, the rules pay it once per host.
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Hosting;

/// <summary>Runs the rules it hosts: each rule's actions, registered on this one analyzer, for the rules that are on.</summary>
public abstract class RuleHost : DiagnosticAnalyzer
{
    private readonly ImmutableArray<DiagnosticAnalyzer> _rules;

    private protected RuleHost(ImmutableArray<DiagnosticAnalyzer> rules)
    {
        _rules = rules;
        var descriptors = new List<DiagnosticDescriptor>();
        var ids = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var rule in rules)
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

    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        foreach (var rule in _rules)
        {
            rule.Initialize(new HostedRuleContext(context, rule));
        }
    }
}
