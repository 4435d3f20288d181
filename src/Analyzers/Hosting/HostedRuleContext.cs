using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Analyzers.Hosting;

/// <summary>
/// What a hosted rule sees as its <see cref="AnalysisContext"/>: its registrations go to the host's context, and its
/// compilation-start actions run only in compilations where the rule is on (<see cref="RuleSwitch"/>) — the driver
/// skips a whole analyzer whose diagnostics are all switched off, and a hosted rule must cost nothing then either.
/// </summary>
internal sealed class HostedRuleContext : AnalysisContext
{
    private readonly AnalysisContext _host;
    private readonly ImmutableArray<DiagnosticDescriptor> _descriptors;

    public HostedRuleContext(AnalysisContext host, DiagnosticAnalyzer rule)
    {
        _host = host;
        _descriptors = rule.SupportedDiagnostics;
    }

    // The host configures both for every rule, the same way each rule asks for alone (GfpAnalyzerTests checks that).
    public override void EnableConcurrentExecution()
    {
    }

    public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode)
    {
    }

    public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action)
        => _host.RegisterCompilationStartAction(start =>
        {
            if (RuleSwitch.IsOn(_descriptors, start.Compilation, start.CancellationToken))
            {
                action(start);
            }
        });

    // The rules register everything from a compilation start. Any other registration becomes one, so that it too runs
    // only where the rule is on.
    public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action)
        => RegisterCompilationStartAction(start => start.RegisterCompilationEndAction(action));

    public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action)
        => RegisterCompilationStartAction(start => start.RegisterSemanticModelAction(action));

    public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds)
        => RegisterCompilationStartAction(start => start.RegisterSymbolAction(action, symbolKinds));

    public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind)
        => RegisterCompilationStartAction(start => start.RegisterSymbolStartAction(action, symbolKind));

    public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action)
        => RegisterCompilationStartAction(start => start.RegisterCodeBlockStartAction(action));

    public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action)
        => RegisterCompilationStartAction(start => start.RegisterCodeBlockAction(action));

    public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action)
        => RegisterCompilationStartAction(start => start.RegisterSyntaxTreeAction(action));

    public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action)
        => RegisterCompilationStartAction(start => start.RegisterAdditionalFileAction(action));

    public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds)
        => RegisterCompilationStartAction(start => start.RegisterSyntaxNodeAction(action, syntaxKinds));

    public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds)
        => RegisterCompilationStartAction(start => start.RegisterOperationAction(action, operationKinds));

    public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action)
        => RegisterCompilationStartAction(start => start.RegisterOperationBlockStartAction(action));

    public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action)
        => RegisterCompilationStartAction(start => start.RegisterOperationBlockAction(action));
}
