using System.Collections.Immutable;
using System.Composition;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.CodeFixes.Infrastructure;
using GfpAnalyzers.CodeFixes.SharedFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GfpAnalyzers.CodeFixes;

/// <summary>GFP001 (an allocation that may sleep in atomic context): use the flags the kernel uses in that context (<see cref="UseContextFlagsFix"/>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GFP001SleepingAllocationInAtomicContextCodeFix))]
[Shared]
internal sealed class GFP001SleepingAllocationInAtomicContextCodeFix : GfpFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SleepingAllocationInAtomicContext);

    internal override ImmutableArray<FixAction> Actions { get; } = ImmutableArray.Create(UseContextFlagsFix.Action);
}
