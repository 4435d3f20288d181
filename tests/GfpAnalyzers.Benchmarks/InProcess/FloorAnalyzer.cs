using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Benchmarks.InProcess;

/// <summary>
/// The floor of an in-process analysis: it only asks to hear when each type starts, and does nothing there. What the
/// analysis then costs is the analysis session's own: <c>CompilationWithAnalyzers</c> compiles the code again, with
/// an event queue, to produce the events the driver dispatches (a real build runs the compiler once, with the queue),
/// and the driver walks those events. Every configuration pays it; what one costs beyond it is its own.
/// </summary>
#pragma warning disable RS1001, RS1036, RS2008 // a measuring device, never shipped
internal sealed class FloorAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("FLOOR000", "never reported", "never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Never];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolStartAction(_ => { }, SymbolKind.NamedType);
    }
}
#pragma warning restore RS1001, RS1036, RS2008
