// The exported analyzer of the rules that report warnings (GFP001–GFP005, GFP007–GFP009): the mistakes a build must
// show. The suggestions (Info) have a host of their own, GfpSuggestionAnalyzer, for the reason given there.
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using GfpAnalyzers.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

[assembly: SuppressMessage(
    "MicrosoftCodeAnalysisCorrectness",
    "RS1001:Missing diagnostic analyzer attribute",
    Justification = "The rules run inside the package's two exported hosts (Hosting/); tests run each alone.",
    Scope = "namespaceanddescendants",
    Target = "~N:GfpAnalyzers.Analyzers.Rules")]

namespace GfpAnalyzers.Analyzers.Hosting;

/// <summary>Runs every GFP rule whose diagnostics are warnings by default.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GfpAnalyzer : RuleHost
{
    public GfpAnalyzer()
        : base(CreateRules())
    {
    }

    /// <summary>The hosted rules, in a fixed order.</summary>
    internal static ImmutableArray<DiagnosticAnalyzer> CreateRules() => ImmutableArray.Create<DiagnosticAnalyzer>(
        new AllocationContextAnalyzer(),
        new FlagsThroughCallsAnalyzer(),
        new GFP004ClearTagBeforeFreeAnalyzer(),
        new GFP005NoFailWithoutDirectReclaimAnalyzer(),
        new GFP007HookAllocationWithoutNoCodetagAnalyzer(),
        new GFP008UnbalancedRcuReadLockAnalyzer(),
        new GFP009SleepingCallInRcuSectionAnalyzer());
}
