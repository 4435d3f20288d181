using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// The floor (<see cref="FloorAnalyzer"/>: one action when each type starts) plus, from there, a do-nothing action on
/// every method's operation block, as an analyzer without a relevance gate asks (CA2000 does): the driver then binds
/// every body once more and builds its operation tree. Baseline minus floor is what that binding costs.
/// </summary>
#pragma warning disable RS1001, RS1036, RS2008 // a measuring device, never shipped
internal sealed class BaselineAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("BASE000", "never reported", "never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Never];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolStartAction(start => start.RegisterOperationBlockAction(_ => { }), SymbolKind.NamedType);
    }
}
#pragma warning restore RS1001, RS1036, RS2008
