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
    public MethodSleepFacts(
        SleepReason? direct,
        IReadOnlyList<(IMethodSymbol Callee, Location Location)> callees,
        IReadOnlyList<ParameterSleep> parameterSleeps)
    {
        Direct = direct;
        Callees = callees;
        ParameterSleeps = parameterSleeps;
    }

    public SleepReason? Direct { get; }

    public IReadOnlyList<(IMethodSymbol Callee, Location Location)> Callees { get; }

    /// <summary>Allocations whose DirectReclaim can only come from a parameter: the method sleeps when a caller passes it.</summary>
    public IReadOnlyList<ParameterSleep> ParameterSleeps { get; }
}

/// <summary>"Allocates with its parameter 'gfp' at line 9": sleeps when the argument for that parameter carries DirectReclaim.</summary>
internal readonly struct ParameterSleep
{
    public ParameterSleep(int ordinal, string name, int line, string? guardedConstant = null)
    {
        Ordinal = ordinal;
        Name = name;
        Line = line;
        GuardedConstant = guardedConstant;
    }

    /// <summary>
    /// Set when the allocation uses a sleeping constant (this description) under a test that the parameter
    /// allows blocking, rather than the parameter itself.
    /// </summary>
    public string? GuardedConstant { get; }

    public int Ordinal { get; }

    public string Name { get; }

    public int Line { get; }
}
