using System;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// What one path (or a bundle of paths that agree) knows at a program point: the stack of locks
/// held (which <see cref="LockSite"/>s, outermost first; any kind: RCU, spinlocks, irq/preempt/bh off, runqueue), the values of tracked <c>bool</c> locals and
/// parameters (for correlated conditions such as <c>if (c) lock; … if (c) unlock;</c>), and the pending
/// continuation of the <c>finally</c> blocks being run (so a finally reached from several exits sends each
/// path back to its own exit).
/// </summary>
internal readonly struct PathState : IEquatable<PathState>
{
    /// <summary>Lock nesting tracked exactly up to this depth; deeper is <see cref="UnknownDepth"/>.</summary>
    public const int MaxDepth = 4;

    /// <summary>Some number of locks (possibly zero) whose exact count was lost (nesting beyond <see cref="MaxDepth"/>).</summary>
    public const byte UnknownDepth = byte.MaxValue;

    /// <summary>The site id kept for a lock whose site the degraded pass forgot (<see cref="OutermostSiteOnly"/>).</summary>
    public const int UnknownSite = 0;

    private const int SiteBits = 16;
    private const ulong SiteMask = 0xFFFF;

    private readonly ulong _sites;

    private PathState(ulong sites, byte depth, uint knownTrue, uint knownFalse, int continuation)
    {
        _sites = sites;
        Depth = depth;
        KnownTrue = knownTrue;
        KnownFalse = knownFalse;
        Continuation = continuation;
    }

    /// <summary>Number of locks held, or <see cref="UnknownDepth"/>.</summary>
    public byte Depth { get; }

    /// <summary>Tracked conditions known to be true on these paths (bit i = tracked symbol i).</summary>
    public uint KnownTrue { get; }

    /// <summary>Tracked conditions known to be false on these paths.</summary>
    public uint KnownFalse { get; }

    /// <summary>Interned id of the stack of finally continuations (0 = none).</summary>
    public int Continuation { get; }

    public bool IsDepthKnown => Depth != UnknownDepth;

    /// <summary>A lock may be held on these paths.</summary>
    public bool MayHold => Depth != 0;

    /// <summary>The state on entry: the caller's locks (outermost first) are held.</summary>
    public static PathState Initial(System.Collections.Generic.IReadOnlyList<int> callerSites)
    {
        var state = default(PathState);
        foreach (var site in callerSites)
        {
            state = state.Push(site);
        }

        return state;
    }

    /// <summary>The lock site at nesting level <paramref name="level"/> (0 = outermost); for an unknown depth only level 0 is kept.</summary>
    public int SiteAt(int level) => (int)((_sites >> (SiteBits * level)) & SiteMask);

    public PathState Push(int site)
    {
        if (Depth == UnknownDepth)
        {
            return this;
        }

        if (Depth == MaxDepth)
        {
            // Keep the outermost site so messages can still name where the section began.
            return new PathState(_sites & SiteMask, UnknownDepth, KnownTrue, KnownFalse, Continuation);
        }

        var sites = _sites | (((ulong)site & SiteMask) << (SiteBits * Depth));
        return new PathState(sites, (byte)(Depth + 1), KnownTrue, KnownFalse, Continuation);
    }

    /// <summary>Releases the lock at nesting level <paramref name="level"/>; the locks above it move down one level.</summary>
    public PathState RemoveAt(int level)
    {
        if (Depth is 0 or UnknownDepth || level < 0 || level >= Depth)
        {
            return this;
        }

        var below = level == 0 ? 0UL : _sites & ((1UL << (SiteBits * level)) - 1);
        var above = Depth - 1 > level ? (_sites >> (SiteBits * (level + 1))) << (SiteBits * level) : 0UL;
        return new PathState(below | above, (byte)(Depth - 1), KnownTrue, KnownFalse, Continuation);
    }

    public PathState WithCondition(int index, bool? value)
    {
        var bit = 1u << index;
        var t = KnownTrue & ~bit;
        var f = KnownFalse & ~bit;
        if (value == true)
        {
            t |= bit;
        }
        else if (value == false)
        {
            f |= bit;
        }

        return new PathState(_sites, Depth, t, f, Continuation);
    }

    /// <summary>False when the tracked condition is known to have the other value on these paths.</summary>
    public bool Allows(int index, bool value)
        => ((value ? KnownFalse : KnownTrue) & (1u << index)) == 0;

    public PathState WithConditions(uint knownTrue, uint knownFalse)
        => new(_sites, Depth, knownTrue, knownFalse, Continuation);

    /// <summary>Forgets the sites of the inner locks (their depth stays): at most one state per outermost site and depth.</summary>
    public PathState OutermostSiteOnly() => new(_sites & SiteMask, Depth, KnownTrue, KnownFalse, Continuation);

    public PathState WithContinuation(int continuation)
        => new(_sites, Depth, KnownTrue, KnownFalse, continuation);

    /// <summary>Same locks and continuation (the paths differ only in what they know about conditions).</summary>
    public bool SameLocks(PathState other)
        => _sites == other._sites && Depth == other.Depth && Continuation == other.Continuation;

    /// <summary>Every path <paramref name="other"/> stands for is also one this state stands for.</summary>
    public bool Subsumes(PathState other)
        => SameLocks(other) && (KnownTrue & ~other.KnownTrue) == 0 && (KnownFalse & ~other.KnownFalse) == 0;

    public bool Equals(PathState other)
        => SameLocks(other) && KnownTrue == other.KnownTrue && KnownFalse == other.KnownFalse;

    public override bool Equals(object? obj) => obj is PathState other && Equals(other);

    public override int GetHashCode()
        => unchecked((int)(_sites ^ (_sites >> 32)) * 31 + Depth * 17 + (int)KnownTrue * 7 + (int)KnownFalse * 3 + Continuation);
}
