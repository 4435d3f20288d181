namespace GfpAnalyzers.Runtime;

/// <summary>What a GFP mask means: Linux's helpers from include/linux/gfp.h.</summary>
public static class GfpExtensions
{
    /// <summary>gfpflags_allow_blocking(): the mask has <see cref="Gfp.DirectReclaim"/>, so the allocation may sleep.</summary>
    public static bool AllowsBlocking(this Gfp gfp) => (gfp & Gfp.DirectReclaim) != 0;

    /// <summary>Whether the allocator may wake kswapd for this mask (<see cref="Gfp.KswapdReclaim"/>).</summary>
    public static bool MayWakeKswapd(this Gfp gfp) => (gfp & Gfp.KswapdReclaim) != 0;

    /// <summary>
    /// gfp_zone(): the highest zone the mask may allocate from. <c>__GFP_MOVABLE</c> alone stays in
    /// ZONE_NORMAL; with <c>__GFP_HIGHMEM</c> it selects ZONE_MOVABLE; <c>__GFP_HIGHMEM</c> alone is
    /// ZONE_NORMAL on a 64-bit machine.
    /// </summary>
    /// <exception cref="ArgumentException">The zone modifiers contradict each other (Linux's GFP_ZONE_BAD, a BUG).</exception>
    public static ZoneType Zone(this Gfp gfp)
        => TryGetZone(gfp, out var zone)
            ? zone
            : throw new ArgumentException(
                $"Invalid zone modifiers {GfpFormat.Format(gfp & Gfp.ZoneMask)}: at most one of __GFP_DMA, __GFP_DMA32 and __GFP_HIGHMEM may be set (GFP_ZONE_BAD).",
                nameof(gfp));

    /// <summary>The mask as Linux prints it with <c>%pGg</c>: <c>GFP_KERNEL|__GFP_ZERO</c> (see <see cref="GfpFormat"/>).</summary>
    public static string ToLinuxString(this Gfp gfp) => GfpFormat.Format(gfp);

    /// <summary>gfp_zone() without throwing: false for contradicting zone modifiers.</summary>
    public static bool TryGetZone(this Gfp gfp, out ZoneType zone)
    {
        var bits = gfp & Gfp.ZoneMask;
        var movable = (bits & Gfp.Movable) != 0;
        zone = (bits & ~Gfp.Movable) switch
        {
            Gfp.None => ZoneType.Normal,
            Gfp.Dma => ZoneType.Dma,
            Gfp.Dma32 => ZoneType.Dma32,
            Gfp.HighMem => movable ? ZoneType.Movable : ZoneType.Normal,
            _ => (ZoneType)(-1),
        };
        return zone >= ZoneType.Dma;
    }
}
