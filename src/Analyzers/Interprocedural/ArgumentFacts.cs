// What a call passes for one parameter of its callee, as far as summaries care: the flag value (for Gfp
// parameters), a constant, whether it is null, or that it is the caller's own (never assigned) parameter.
// Evaluating a callee's condition atom with it gives: holds, cannot hold, unknown, or the same atom about a
// parameter of the caller (so conditions compose through any depth).
using GfpAnalyzers.Analyzers.FlagValues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Interprocedural;

internal enum AtomVerdict
{
    Holds,
    CannotHold,
    Unknown,
    Rewritten,
}

internal sealed class ArgumentFacts
{
    public ArgumentFacts(FlagValue? flags, object? constant, bool hasConstant, bool knownNotNull, int callerOrdinal, string? callerParameterName)
    {
        Flags = flags;
        Constant = constant;
        HasConstant = hasConstant;
        KnownNotNull = knownNotNull;
        CallerOrdinal = callerOrdinal;
        CallerParameterName = callerParameterName;
    }

    /// <summary>For a Gfp parameter: the argument's value in the caller (origins name the caller's parameters).</summary>
    public FlagValue? Flags { get; }

    public object? Constant { get; }

    public bool HasConstant { get; }

    public bool KnownNotNull { get; }

    /// <summary>The ordinal of the caller's trusted parameter passed unchanged, or -1.</summary>
    public int CallerOrdinal { get; }

    public string? CallerParameterName { get; }

    public static ArgumentFacts Of(IArgumentOperation argument, FlagValue? flags, ulong trustedCallerParameters)
    {
        var value = argument.Value;
        while (value is IConversionOperation { OperatorMethod: null } conversion)
        {
            value = conversion.Operand;
        }

        var constant = value.ConstantValue;
        var callerOrdinal = value is IParameterReferenceOperation { Parameter.Ordinal: < 64 and var ordinal }
                            && (trustedCallerParameters & (1UL << ordinal)) != 0
            ? ordinal
            : -1;
        var knownNotNull = value is IObjectCreationOperation or IArrayCreationOperation or IAnonymousFunctionOperation
            or IDelegateCreationOperation or IInstanceReferenceOperation;
        return new ArgumentFacts(flags, constant.HasValue ? constant.Value : null, constant.HasValue, knownNotNull, callerOrdinal,
            callerOrdinal >= 0 ? ((IParameterReferenceOperation)value).Parameter.Name : null);
    }

    /// <summary>Evaluates <paramref name="atom"/> (about the callee's parameter this argument is for).</summary>
    public AtomVerdict Evaluate(ParameterCondition atom, out ParameterCondition rewritten)
    {
        rewritten = atom;
        if (atom.IsFlagTest)
        {
            return EvaluateFlags(atom, out rewritten);
        }

        if (HasConstant)
        {
            var holds = atom.Kind switch
            {
                ConditionKind.IsNull => Constant is null,
                ConditionKind.IsNotNull => Constant is not null,
                ConditionKind.IsTrue => Constant is true,
                ConditionKind.IsFalse => Constant is false,
                ConditionKind.EqualsConstant => ToInt64(Constant) == atom.Value,
                ConditionKind.NotEqualsConstant => ToInt64(Constant) is { } number && number != atom.Value,
                _ => (bool?)null,
            };
            return holds switch
            {
                true => AtomVerdict.Holds,
                false => AtomVerdict.CannotHold,
                _ => AtomVerdict.Unknown,
            };
        }

        if (KnownNotNull && atom.Kind is ConditionKind.IsNull or ConditionKind.IsNotNull)
        {
            return atom.Kind == ConditionKind.IsNotNull ? AtomVerdict.Holds : AtomVerdict.CannotHold;
        }

        if (CallerOrdinal >= 0)
        {
            rewritten = atom.WithOrdinal(CallerOrdinal);
            return AtomVerdict.Rewritten;
        }

        return AtomVerdict.Unknown;
    }

    private AtomVerdict EvaluateFlags(ParameterCondition atom, out ParameterCondition rewritten)
    {
        rewritten = atom;
        if (Flags is not { HasErrors: false } value)
        {
            return AtomVerdict.Unknown;
        }

        var bits = (uint)atom.Value;
        var hasAny = atom.Kind == ConditionKind.HasAnyBit;
        if ((value.Must & bits) != 0)
        {
            return hasAny ? AtomVerdict.Holds : AtomVerdict.CannotHold;
        }

        if ((value.May & bits) == 0)
        {
            return hasAny ? AtomVerdict.CannotHold : AtomVerdict.Holds;
        }

        // The tested bits that may be set come only from one parameter of the caller (constants lack them):
        // the same test about that parameter, narrowed to the bits that pass.
        if (CallerFlagParameter(value, bits) is { } origin)
        {
            rewritten = new ParameterCondition(origin.Ordinal, atom.Kind, origin.Bits);
            return AtomVerdict.Rewritten;
        }

        return AtomVerdict.Unknown;
    }

    /// <summary>The caller, whose trusted Gfp parameters flag origins name ("parameter 'gfp'"); null when unknown.</summary>
    private IMethodSymbol? _caller;

    /// <summary>The caller's parameters it never assigns (bit i: ordinal i).</summary>
    private ulong _trustedCallerParameters;

    /// <summary>Set by the caller's analysis: flag tests may then be rewritten onto <paramref name="caller"/>'s trusted Gfp parameters.</summary>
    public void SetCaller(IMethodSymbol? caller, ulong trusted)
    {
        _caller = caller;
        _trustedCallerParameters = trusted;
    }

    /// <summary>The ordinal of the caller's trusted Gfp parameter a flag origin names ("parameter 'gfp'").</summary>
    private int? CallerParameterOrdinal(string description)
    {
        foreach (var parameter in _caller!.Parameters)
        {
            if (parameter.Ordinal < 64 && (_trustedCallerParameters & (1UL << parameter.Ordinal)) != 0
                && CallComposition.NamesParameter(description, parameter.Name))
            {
                return parameter.Ordinal;
            }
        }

        return null;
    }

    private (int Ordinal, uint Bits)? CallerFlagParameter(FlagValue value, uint bits)
    {
        if (_caller is null)
        {
            // No caller whose parameters the origins could name.
            return null;
        }

        (int, uint)? found = null;
        foreach (var origin in value.OriginsOf(bits))
        {
            if (origin.Kind != FlagOriginKind.Parameter || found is not null || CallerParameterOrdinal(origin.Description) is not { } ordinal)
            {
                return null;
            }

            found = (ordinal, origin.Bits & bits);
        }

        return found;
    }

    public static long? ToInt64(object? value) => value switch
    {
        int i => i,
        long l => l,
        short s => s,
        sbyte sb => sb,
        byte b => b,
        ushort us => us,
        uint ui => ui,
        ulong ul when ul <= long.MaxValue => (long)ul,
        char c => c,
        _ => null,
    };
}
