// The exported analyzer of the suggestions (Info by default): GFP006 (a redundant flag) and GFP010 (a public method
// that may sleep without [MightSleep]). The command-line compiler does not run an analyzer whose every diagnostic is
// Info or Hidden under the build's options (it would print nothing) unless it writes an error log; the IDE runs it
// and shows its suggestions. Hosted with the warnings, these rules ran in every build for nothing: GFP010 alone asks
// for a twelfth of the control-flow graphs of the benchmark corpus and for the summaries of every public method.
// Raising either rule to a warning or an error (an .editorconfig, a .globalconfig, a ruleset) runs this host again.
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Hosting;

/// <summary>Runs every GFP rule whose diagnostics are suggestions (Info) by default.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GfpSuggestionAnalyzer : RuleHost
{
    public GfpSuggestionAnalyzer()
        : base(CreateRules())
    {
    }

    /// <summary>The hosted rules, in a fixed order.</summary>
    internal static ImmutableArray<DiagnosticAnalyzer> CreateRules() => ImmutableArray.Create<DiagnosticAnalyzer>(
        new GFP006RedundantFlagAnalyzer(),
        new GFP010MissingMightSleepAnalyzer());
}
