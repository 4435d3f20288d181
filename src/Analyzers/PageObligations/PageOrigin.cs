using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>Where a tracked page came from, which decides whether its frees are reported and how it is named.</summary>
internal enum PageOriginKind
{
    /// <summary><c>AllocPage</c>/<c>AllocPages</c> whose flags must carry <c>NoCodetag</c>.</summary>
    Allocation,

    /// <summary>The result of a call to a method whose return value is <c>[NoCodetagPages]</c>.</summary>
    AnnotatedReturn,

    /// <summary>The result of a call to a method that returns a NoCodetag page it did not clear (its summary says so).</summary>
    ReturnedUncleared,

    /// <summary>A <c>[NoCodetagPages]</c> field or property.</summary>
    AnnotatedMember,

    /// <summary>A <c>[NoCodetagPages]</c> parameter.</summary>
    AnnotatedParameter,

    /// <summary>
    /// Any other parameter: tracked only to summarize what the method does to it for its callers;
    /// its own frees are never reported (unknown origin is not guilty).
    /// </summary>
    Parameter,
}

/// <summary>
/// One abstract page: an allocation site, an annotated location or a parameter. Instances are created once
/// per analysis and compared by reference.
/// </summary>
internal sealed class PageOrigin
{
    public PageOrigin(int id, PageOriginKind kind, string description, IParameterSymbol? parameter = null, MemberLocation? location = null)
    {
        Id = id;
        Kind = kind;
        Description = description;
        Parameter = parameter;
        Location = location;
    }

    /// <summary>Creation order; gives deterministic choices when several origins qualify.</summary>
    public int Id { get; }

    public PageOriginKind Kind { get; }

    /// <summary>For the message: "allocated with NoCodetag at line 7", "from [NoCodetagPages] field 'Head'".</summary>
    public string Description { get; }

    public IParameterSymbol? Parameter { get; }

    /// <summary>For <see cref="PageOriginKind.AnnotatedMember"/>: the location read.</summary>
    public MemberLocation? Location { get; }

    /// <summary>Only pages known to carry no codetag are reported; plain parameters are not.</summary>
    public bool IsReportable => Kind != PageOriginKind.Parameter;

    /// <summary>
    /// Parameters and annotated locations hold their page from the start of the method; allocation
    /// results exist only once the allocation has run.
    /// </summary>
    public bool StartsPresent => Kind is PageOriginKind.Parameter or PageOriginKind.AnnotatedParameter or PageOriginKind.AnnotatedMember;
}

/// <summary>
/// A field or property read through a simple receiver chain (<c>this</c>, a static, a local, a parameter, or
/// another such location), so that two reads of <c>node.Page</c> denote the same page until
/// <c>node</c> or a field on the chain is assigned.
/// </summary>
internal sealed class MemberLocation
{
    /// <summary>Receiver marker for <c>this</c>.</summary>
    public static readonly object This = new();

    public MemberLocation(ISymbol member, object? receiver)
    {
        Member = member;
        Receiver = receiver;
    }

    public ISymbol Member { get; }

    /// <summary><see cref="This"/>, a local or parameter symbol, another <see cref="MemberLocation"/>, or null for statics.</summary>
    public object? Receiver { get; }

    /// <summary>True when assigning <paramref name="variable"/> (a local, parameter or member) changes what this location denotes.</summary>
    public bool DependsOn(ISymbol variable)
    {
        if (SymbolEqualityComparer.Default.Equals(Member, variable))
        {
            return true;
        }

        return Receiver switch
        {
            ISymbol symbol => SymbolEqualityComparer.Default.Equals(symbol, variable),
            MemberLocation inner => inner.DependsOn(variable),
            _ => false,
        };
    }

    public override bool Equals(object? obj)
        => obj is MemberLocation other
           && SymbolEqualityComparer.Default.Equals(Member, other.Member)
           && ReceiverEquals(Receiver, other.Receiver);

    public override int GetHashCode()
        => (SymbolEqualityComparer.Default.GetHashCode(Member) * 397) ^ Receiver switch
        {
            ISymbol symbol => SymbolEqualityComparer.Default.GetHashCode(symbol),
            null => 0,
            var other => other.GetHashCode(),
        };

    private static bool ReceiverEquals(object? a, object? b) => a switch
    {
        ISymbol symbol => b is ISymbol other && SymbolEqualityComparer.Default.Equals(symbol, other),
        null => b is null,
        _ => Equals(a, b),
    };
}
