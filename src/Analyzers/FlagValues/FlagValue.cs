// The abstract value of a Gfp expression.
//
//   FlagValue { Must, May, Origins, HasErrors }
//
// Must: bits set on every path. May: bits possibly set (a superset of Must). Origins: which source
// may contribute which of the may-bits (constants vs. values the method does not control).
// HasErrors: part of the expression did not bind (the user is typing): rules must stay silent.
//
// The bitwise operators below are the transfer functions: they keep Must/May exact for constants and
// sound for unknowns, and they narrow origins the way a reader would: in `gfp & ~Gfp.DirectReclaim`
// the mask removes DirectReclaim from the bits inherited from `gfp` and is not itself a source.
using System.Collections.Immutable;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>An abstract value of a <c>Gfp</c> expression: must-bits, may-bits and their provenance.</summary>
internal readonly struct FlagValue : System.IEquatable<FlagValue>
{
    private readonly ImmutableArray<FlagOrigin> _origins;

    private FlagValue(uint must, uint may, ImmutableArray<FlagOrigin> origins, bool hasErrors)
    {
        Must = must & may;
        May = may;
        _origins = origins;
        HasErrors = hasErrors;
    }

    /// <summary>Bits set on every path.</summary>
    public uint Must { get; }

    /// <summary>Bits possibly set on some path (a superset of <see cref="Must"/>).</summary>
    public uint May { get; }

    /// <summary>The sources of the may-bits; each origin's bits are a subset of <see cref="May"/>.</summary>
    public ImmutableArray<FlagOrigin> Origins => _origins.IsDefault ? ImmutableArray<FlagOrigin>.Empty : _origins;

    /// <summary>Part of the expression did not bind (error nodes, missing members): say nothing about it.</summary>
    public bool HasErrors { get; }

    /// <summary>A value that did not bind.</summary>
    public static FlagValue Invalid { get; } = new(0, 0, ImmutableArray<FlagOrigin>.Empty, hasErrors: true);

    /// <summary>An exactly known value coming from one constant source.</summary>
    public static FlagValue Constant(uint value, string description, Microsoft.CodeAnalysis.Location? location)
        => new(value, value, value == 0
            ? ImmutableArray<FlagOrigin>.Empty
            : ImmutableArray.Create(new FlagOrigin(FlagOriginKind.Constant, value, description, location)), hasErrors: false);

    /// <summary>A value from a source the method does not control: any bit may be set.</summary>
    public static FlagValue Unknown(FlagOriginKind kind, string description, Microsoft.CodeAnalysis.Location? location)
        => new(0, uint.MaxValue, ImmutableArray.Create(new FlagOrigin(kind, uint.MaxValue, description, location)), hasErrors: false);

    /// <summary>True when any of <paramref name="bits"/> may be set.</summary>
    public bool MayHave(uint bits) => (May & bits) != 0;

    /// <summary>True when all of <paramref name="bits"/> are set on every path.</summary>
    public bool MustHave(uint bits) => (Must & bits) == bits;

    /// <summary>The may-bits contributed by compile-time constants.</summary>
    public uint ConstantBits => BitsWhere(constant: true);

    /// <summary>The may-bits contributed by sources the method does not control (parameters, fields, calls, ...).</summary>
    public uint UnknownBits => BitsWhere(constant: false);

    /// <summary>The origins that may contribute any of <paramref name="bits"/>, narrowed to those bits.</summary>
    public ImmutableArray<FlagOrigin> OriginsOf(uint bits, bool? constant = null)
    {
        var builder = ImmutableArray.CreateBuilder<FlagOrigin>();
        foreach (var origin in Origins)
        {
            if ((origin.Bits & bits) != 0 && (constant is null || origin.IsConstant == constant.Value))
            {
                builder.Add(origin.WithBits(origin.Bits & bits));
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>Branch join: must = intersection, may = union, origins merged.</summary>
    public FlagValue Join(FlagValue other)
        => new(Must & other.Must, May | other.May, Merge(Origins, other.Origins, uint.MaxValue, uint.MaxValue), HasErrors || other.HasErrors);

    /// <summary><c>a | b</c>.</summary>
    public static FlagValue Or(FlagValue a, FlagValue b)
        => new(a.Must | b.Must, a.May | b.May, Merge(a.Origins, b.Origins, uint.MaxValue, uint.MaxValue), a.HasErrors || b.HasErrors);

    /// <summary>
    /// <c>a &amp; b</c>. A bit of the result comes from the operand that carries it as a value, not from a
    /// constant mask that merely lets it through: where only one side has non-constant sources for a bit,
    /// the other (constant) side is a mask for that bit and contributes no origin.
    /// </summary>
    public static FlagValue And(FlagValue a, FlagValue b)
    {
        var may = a.May & b.May;
        var aUnknown = a.UnknownBits;
        var bUnknown = b.UnknownBits;

        // Bits where b is the value and a a constant mask: b's origins, all of them.
        var bIsValue = bUnknown & ~aUnknown & may;

        // Elsewhere a is the value; b still contributes its non-constant sources (two unknowns ANDed).
        var builder = ImmutableArray.CreateBuilder<FlagOrigin>();
        AddNarrowed(builder, a.Origins, may & ~bIsValue, includeConstants: true);
        AddNarrowed(builder, b.Origins, may & ~bIsValue, includeConstants: false);
        AddNarrowed(builder, b.Origins, bIsValue, includeConstants: true);
        return new(a.Must & b.Must, may, Merge(builder.ToImmutable(), ImmutableArray<FlagOrigin>.Empty, uint.MaxValue, uint.MaxValue, mayRepeatSources: true), a.HasErrors || b.HasErrors);
    }

    /// <summary><c>a ^ b</c>: exact where both sides are known, origins of both sides.</summary>
    public static FlagValue Xor(FlagValue a, FlagValue b)
    {
        var aZero = ~a.May;
        var bZero = ~b.May;
        var must = (a.Must & bZero) | (aZero & b.Must);
        var knownZero = (aZero & bZero) | (a.Must & b.Must);
        var may = ~knownZero;
        return new(must, may, Merge(a.Origins, b.Origins, may, may), a.HasErrors || b.HasErrors);
    }

    /// <summary><c>~a</c>: the known-set and known-clear bits swap; every source may affect every resulting bit.</summary>
    public static FlagValue Not(FlagValue a)
    {
        var must = ~a.May;
        var may = ~a.Must;
        var builder = ImmutableArray.CreateBuilder<FlagOrigin>();
        foreach (var origin in a.Origins)
        {
            builder.Add(origin.WithBits(may));
        }

        if (builder.Count == 0 && may != 0)
        {
            // ~0 and friends: constant, but with no named source (a literal zero has no origin).
            builder.Add(new FlagOrigin(FlagOriginKind.Constant, may, "~0", null));
        }

        return new(must, may, Merge(builder.ToImmutable(), ImmutableArray<FlagOrigin>.Empty, may, may, mayRepeatSources: true), a.HasErrors);
    }

    /// <summary>The same bits, with the given sources replacing the current ones (used for named constants).</summary>
    public FlagValue WithSingleOrigin(FlagOrigin origin)
        => new(Must, May, May == 0 ? ImmutableArray<FlagOrigin>.Empty : ImmutableArray.Create(origin.WithBits(May)), HasErrors);

    /// <summary>The value on paths where a test found all of <paramref name="bits"/> set.</summary>
    public FlagValue AssumeSet(uint bits) => new(Must | bits, May | bits, Origins, HasErrors);

    /// <summary>The value on paths where a test found none of <paramref name="bits"/> set: those bits are provably clear.</summary>
    public FlagValue AssumeClear(uint bits)
    {
        var may = May & ~bits;
        return new(Must & ~bits, may, Merge(Origins, ImmutableArray<FlagOrigin>.Empty, may, may), HasErrors);
    }

    /// <summary>The same value, marked as not binding.</summary>
    public FlagValue WithErrors() => new(Must, May, Origins, hasErrors: true);

    public bool Equals(FlagValue other)
    {
        if (Must != other.Must || May != other.May || HasErrors != other.HasErrors || Origins.Length != other.Origins.Length)
        {
            return false;
        }

        foreach (var origin in Origins)
        {
            var found = false;
            foreach (var candidate in other.Origins)
            {
                if (candidate.IsSameSource(origin) && candidate.Bits == origin.Bits)
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is FlagValue other && Equals(other);

    public override int GetHashCode() => unchecked((int)(Must * 31 + May) ^ Origins.Length);

    public override string ToString() => $"must=0x{Must:X} may=0x{May:X}{(HasErrors ? " (errors)" : "")} [{string.Join(", ", Origins)}]";

    private uint BitsWhere(bool constant)
    {
        uint bits = 0;
        foreach (var origin in Origins)
        {
            if (origin.IsConstant == constant)
            {
                bits |= origin.Bits;
            }
        }

        return bits & May;
    }

    private static void AddNarrowed(ImmutableArray<FlagOrigin>.Builder builder, ImmutableArray<FlagOrigin> origins, uint mask, bool includeConstants)
    {
        foreach (var origin in origins)
        {
            if ((origin.Bits & mask) != 0 && (includeConstants || !origin.IsConstant))
            {
                builder.Add(origin.WithBits(origin.Bits & mask));
            }
        }
    }

    /// <summary>
    /// Union of two origin lists narrowed to masks, one entry per source (bits OR-ed). Every value's origins already
    /// have one entry per source, none without bits (each value is made by this merge or has one origin): only lists
    /// built here from several values' origins (<paramref name="mayRepeatSources"/>) need checking before one is kept as it is.
    /// </summary>
    private static ImmutableArray<FlagOrigin> Merge(ImmutableArray<FlagOrigin> a, ImmutableArray<FlagOrigin> b, uint aMask, uint bMask, bool mayRepeatSources = false)
    {
        // What the merge below would build, without building it: one side unchanged (the join of a value with
        // itself or with what it already covers, a union with nothing, a mask that keeps every bit).
        if (aMask == uint.MaxValue && bMask == uint.MaxValue)
        {
            if (Covers(a, b) && !(mayRepeatSources && HasDuplicates(a)))
            {
                return a;
            }

            if (a.IsEmpty && !(mayRepeatSources && HasDuplicates(b)))
            {
                return b;
            }
        }

        var result = ImmutableArray.CreateBuilder<FlagOrigin>(a.Length + b.Length);
        Add(result, a, aMask);
        Add(result, b, bMask);
        return result.Count == result.Capacity ? result.MoveToImmutable() : result.ToImmutable();

        static void Add(ImmutableArray<FlagOrigin>.Builder result, ImmutableArray<FlagOrigin> origins, uint mask)
        {
            foreach (var origin in origins)
            {
                var bits = origin.Bits & mask;
                if (bits == 0)
                {
                    continue;
                }

                var index = IndexOfSource(result, origin);
                if (index < 0)
                {
                    result.Add(origin.WithBits(bits));
                }
                else
                {
                    result[index] = result[index].WithBits(result[index].Bits | bits);
                }
            }
        }
    }

    private static int IndexOfSource(ImmutableArray<FlagOrigin>.Builder origins, FlagOrigin origin)
    {
        for (var i = 0; i < origins.Count; i++)
        {
            if (origins[i].IsSameSource(origin))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when every origin of <paramref name="b"/> (with bits) has a source in <paramref name="a"/> that already has those bits.</summary>
    private static bool Covers(ImmutableArray<FlagOrigin> a, ImmutableArray<FlagOrigin> b)
    {
        if (a == b)
        {
            return true;
        }

        foreach (var origin in b)
        {
            if (origin.Bits == 0)
            {
                continue;
            }

            var covered = false;
            foreach (var candidate in a)
            {
                if (candidate.IsSameSource(origin))
                {
                    covered = (candidate.Bits | origin.Bits) == candidate.Bits;
                    break;
                }
            }

            if (!covered)
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasDuplicates(ImmutableArray<FlagOrigin> origins)
    {
        for (var i = 0; i < origins.Length; i++)
        {
            if (origins[i].Bits == 0)
            {
                return true;
            }

            for (var j = i + 1; j < origins.Length; j++)
            {
                if (origins[i].IsSameSource(origins[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
