using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Summaries;

/// <summary>
/// What one method's own body says about sleeping, gathered once when the driver analyses it: the first
/// direct reason it sleeps (if any) and the methods of the compilation it calls (not counting code in
/// lambdas, which runs whenever the delegate is invoked).
/// </summary>
internal sealed class MethodSleepFacts
{
    public MethodSleepFacts(SleepReason? direct, IReadOnlyList<(IMethodSymbol Callee, Location Location)> callees)
    {
        Direct = direct;
        Callees = callees;
    }

    public SleepReason? Direct { get; }

    public IReadOnlyList<(IMethodSymbol Callee, Location Location)> Callees { get; }
}
