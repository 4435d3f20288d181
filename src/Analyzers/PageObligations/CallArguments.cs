using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.Interprocedural;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>
/// A callee's conditions (on its own parameters) evaluated with what one call passes: a constant, <c>null</c>, a new
/// object, or the caller's own never-assigned parameter (the atom becomes the same atom about the caller's parameter,
/// so conditions compose through any depth). Arguments that say nothing drop their atoms: the effect stays possible.
/// </summary>
internal readonly struct CallArguments
{
    private readonly ImmutableArray<IArgumentOperation> _arguments;
    private readonly ulong _trustedCallerParameters;

    public CallArguments(ImmutableArray<IArgumentOperation> arguments, ulong trustedCallerParameters)
    {
        _arguments = arguments;
        _trustedCallerParameters = trustedCallerParameters;
    }

    /// <summary>
    /// Null when the arguments refute <paramref name="conditions"/> (the effect cannot happen for this call); otherwise
    /// the atoms that remain, rewritten to the caller's parameters (empty: the effect happens whatever the caller's
    /// parameters are).
    /// </summary>
    public ImmutableArray<ParameterCondition>? Evaluate(ImmutableArray<ParameterCondition> conditions)
    {
        ImmutableArray<ParameterCondition>? remaining = ImmutableArray<ParameterCondition>.Empty;
        foreach (var atom in conditions)
        {
            if (ArgumentFor(atom.Ordinal) is not { } argument)
            {
                continue;
            }

            switch (ArgumentFacts.Of(argument, flags: null, _trustedCallerParameters).Evaluate(atom, out var rewritten))
            {
                case AtomVerdict.CannotHold:
                    return null;
                case AtomVerdict.Rewritten:
                    remaining = ConditionFacts.Add(remaining!.Value, rewritten);
                    if (remaining is null)
                    {
                        return null;
                    }

                    break;
            }
        }

        return remaining;
    }

    private IArgumentOperation? ArgumentFor(int ordinal)
    {
        foreach (var argument in _arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument;
            }
        }

        return null;
    }
}
