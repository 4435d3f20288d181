// A fact about one parameter that holds on every path to an effect of the method, so the effect happens
// only when a caller passes a matching argument:
//   p == null / p != null        (reference or nullable parameter)
//   p / !p                       (bool parameter)
//   p == K / p != K              (integral or enum parameter, K a constant)
//   (p & X) != 0 / (p & X) == 0  (Gfp parameter: some bit of X set / none of X set; gfp.AllowsBlocking() is X = DirectReclaim)
// Conditions are conjunctions (an immutable sorted array); a call site evaluates each atom with its argument.
using System;

namespace GfpAnalyzers.Analyzers.Interprocedural;

internal enum ConditionKind
{
    IsNull,
    IsNotNull,
    IsTrue,
    IsFalse,
    EqualsConstant,
    NotEqualsConstant,
    HasAnyBit,
    LacksBits,
}

/// <summary>One atom of a condition on a parameter of the method the summary describes.</summary>
internal readonly struct ParameterCondition : IEquatable<ParameterCondition>, IComparable<ParameterCondition>
{
    public ParameterCondition(int ordinal, ConditionKind kind, long value = 0)
    {
        Ordinal = ordinal;
        Kind = kind;
        Value = value;
    }

    public int Ordinal { get; }

    public ConditionKind Kind { get; }

    /// <summary>The constant compared against, or the bits tested (for flag atoms).</summary>
    public long Value { get; }

    public bool IsFlagTest => Kind is ConditionKind.HasAnyBit or ConditionKind.LacksBits;

    /// <summary>The same atom about a parameter of the caller (when the argument is that parameter, unchanged).</summary>
    public ParameterCondition WithOrdinal(int ordinal) => new(ordinal, Kind, Value);

    /// <summary>True when this atom and <paramref name="other"/> cannot both hold.</summary>
    public bool Contradicts(ParameterCondition other)
    {
        if (other.Ordinal != Ordinal)
        {
            return false;
        }

        return (Kind, other.Kind) switch
        {
            (ConditionKind.IsNull, ConditionKind.IsNotNull) or (ConditionKind.IsNotNull, ConditionKind.IsNull) => true,
            (ConditionKind.IsTrue, ConditionKind.IsFalse) or (ConditionKind.IsFalse, ConditionKind.IsTrue) => true,
            (ConditionKind.EqualsConstant, ConditionKind.EqualsConstant) => Value != other.Value,
            (ConditionKind.EqualsConstant, ConditionKind.NotEqualsConstant) or (ConditionKind.NotEqualsConstant, ConditionKind.EqualsConstant) => Value == other.Value,
            (ConditionKind.HasAnyBit, ConditionKind.LacksBits) => (Value & ~other.Value) == 0,
            (ConditionKind.LacksBits, ConditionKind.HasAnyBit) => (other.Value & ~Value) == 0,
            _ => false,
        };
    }

    /// <summary>"when its parameter 'gfp' allows blocking", "when 'atomic' is false", ...: completes a message.</summary>
    public string Describe(string parameterName, Symbols.GfpBits bits) => Kind switch
    {
        ConditionKind.IsNull => $"'{parameterName}' is null",
        ConditionKind.IsNotNull => $"'{parameterName}' is not null",
        ConditionKind.IsTrue => $"'{parameterName}' is true",
        ConditionKind.IsFalse => $"'{parameterName}' is false",
        ConditionKind.EqualsConstant => $"'{parameterName}' is {Value}",
        ConditionKind.NotEqualsConstant => $"'{parameterName}' is not {Value}",
        ConditionKind.HasAnyBit when (uint)Value == bits.DirectReclaim => $"its parameter '{parameterName}' allows blocking",
        ConditionKind.HasAnyBit => $"'{parameterName}' has {string.Join(" or ", FlagValues.FlagNames.Of((uint)Value, bits))}",
        _ => $"'{parameterName}' lacks {FlagValues.FlagNames.JoinWithAnd(FlagValues.FlagNames.Of((uint)Value, bits))}",
    };

    public bool Equals(ParameterCondition other) => Ordinal == other.Ordinal && Kind == other.Kind && Value == other.Value;

    public override bool Equals(object? obj) => obj is ParameterCondition other && Equals(other);

    public override int GetHashCode() => unchecked((Ordinal * 397) ^ ((int)Kind * 31) ^ Value.GetHashCode());

    public int CompareTo(ParameterCondition other)
        => Ordinal != other.Ordinal ? Ordinal.CompareTo(other.Ordinal)
            : Kind != other.Kind ? Kind.CompareTo(other.Kind)
            : Value.CompareTo(other.Value);
}
