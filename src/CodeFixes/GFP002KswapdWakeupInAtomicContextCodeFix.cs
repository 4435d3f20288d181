using System.Collections.Immutable;
using System.Composition;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using GfpAnalyzers.CodeFixes.SharedFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.CodeFixes;

/// <summary>GFP002 (an allocation that may wake kswapd where scheduler locks may be held): use the context's flags without the wake-up (<see cref="UseContextFlagsFix"/>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP002KswapdWakeupInAtomicContextCodeFix))]
[Shared]
internal sealed class GFP002KswapdWakeupInAtomicContextCodeFix : GfpFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.KswapdWakeupInAtomicContext);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(UseContextFlagsFix.Action);
}
