// Provenance of flag bits.
//
//   FlagOrigin { Kind, Bits, Description, Location? }
//
// A FlagValue keeps one origin per distinct source (Kind + Description). Bits are the bits that
// source may contribute to the value at that point; masking narrows them. Descriptions are noun
// phrases ready for messages: "Gfp.Kernel", "const 'TrackerGfp'", "parameter 'gfpFlags'",
// "field 'flags'", "call to 'GetFlags'".
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>Where bits of a flag value come from.</summary>
internal enum FlagOriginKind
{
    /// <summary>A compile-time constant: a <c>Gfp</c> member, a literal, a <c>const</c> field or local.</summary>
    Constant,

    /// <summary>A parameter of the method (the caller's flags).</summary>
    Parameter,

    /// <summary>A non-constant field.</summary>
    Field,

    /// <summary>A property or indexer.</summary>
    Property,

    /// <summary>The result of a method call.</summary>
    Call,

    /// <summary>A variable whose value this method cannot follow (captured from an enclosing method, or written by reference).</summary>
    Variable,

    /// <summary>Any other expression the analysis does not model (arithmetic, array elements, ...).</summary>
    Unknown,
}

/// <summary>One source of bits in a <see cref="FlagValue"/>.</summary>
internal sealed class FlagOrigin
{
    public FlagOrigin(FlagOriginKind kind, uint bits, string description, Location? location)
    {
        Kind = kind;
        Bits = bits;
        Description = description;
        Location = location;
    }

    public FlagOriginKind Kind { get; }

    /// <summary>The bits this source may contribute (a subset of the value's may-bits).</summary>
    public uint Bits { get; }

    /// <summary>A noun phrase for messages: <c>Gfp.Kernel</c>, <c>parameter 'gfp'</c>, ...</summary>
    public string Description { get; }

    /// <summary>Where the source is written or declared, when known.</summary>
    public Location? Location { get; }

    /// <summary>True for compile-time constants; every other kind is a value this method does not control.</summary>
    public bool IsConstant => Kind == FlagOriginKind.Constant;

    public FlagOrigin WithBits(uint bits) => bits == Bits ? this : new FlagOrigin(Kind, bits, Description, Location);

    /// <summary>Two origins are the same source when kind and description agree; their bits may differ.</summary>
    public bool IsSameSource(FlagOrigin other) => ReferenceEquals(this, other) || (Kind == other.Kind && Description == other.Description);

    public override string ToString() => $"{Description} ({Kind}, 0x{Bits:X})";
}
