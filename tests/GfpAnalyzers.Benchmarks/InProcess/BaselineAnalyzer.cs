using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// Does nothing, but asks for every method's operation block as our rules and CA2000 do: the driver then binds every
/// body and builds its operation tree. What an analysis costs beyond this baseline is the analyzer's own cost.
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
        context.RegisterOperationBlockAction(_ => { });
    }
}
#pragma warning restore RS1001, RS1036, RS2008
