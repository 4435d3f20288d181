using System.Collections.Generic;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Analyzers.Interprocedural;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>
/// GFP009 for a method group handed to a parameter its callee invokes in atomic context (<c>ForEachLocked(Visit)</c>,
/// <c>Interrupts.RunHardirq(OnIrq, log)</c>): the method's body runs in that context. Reported once, at the method group,
/// naming the invoker and its context — not inside the method, which other callers may call outside any section:
/// "Method 'Visit' may sleep when 'C.ForEachLocked' invokes it inside the spin_lock section of '_lock' entered at line 7:
/// 'Visit' calls 'Rcu.Synchronize()'". Sleeps inside a section of the method itself are reported there (once per mistake);
/// what the method does depending on the arguments it will be given stays "may".
/// </summary>
internal static class GFP009MethodGroupCallbacks
{
    /// <param name="delegatedMethods">The method groups converted to delegates in the block, from its cached <see cref="Summaries.FunctionScan"/>.</param>
    public static void Report(OperationBlockAnalysisContext context, IReadOnlyList<IMethodReferenceOperation> delegatedMethods, RuntimeSymbols symbols, Compilation compilation)
    {
        foreach (var reference in delegatedMethods)
        {
            var method = reference.Method;
            if (AtomicCallbacks.Invocation(reference, symbols, out var where) is not { } invocation)
            {
                continue;
            }

            if (Reason(method, symbols, compilation, context.CancellationToken) is { } why)
            {
                var invoker = invocation.TargetMethod;
                context.ReportDiagnostic(Diagnostic.Create(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall, reference.Syntax.GetLocation(),
                    $"Method '{SummaryStore.NameOf(method)}'", $"when '{invoker.ContainingType.Name}.{invoker.Name}' invokes it {where}", why));
            }
        }
    }

    private static string? Reason(IMethodSymbol method, RuntimeSymbols symbols, Compilation compilation, System.Threading.CancellationToken ct)
    {
        if (symbols.IsSynchronize(method))
        {
            return "'Rcu.Synchronize()' blocks until a grace period ends";
        }

        if (AtomicContextAnalysis.HasAttribute(method, symbols.MightSleepAttribute, symbols))
        {
            return $"'{SummaryStore.NameOf(method)}' is marked [MightSleep]";
        }

        return CallSite.ForCallback(method, symbols, compilation, ct)?.SleepReason(symbols.Bits, out _);
    }
}
