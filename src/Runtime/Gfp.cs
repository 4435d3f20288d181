namespace GfpAnalyzers.Runtime;

/// <summary>
/// Get-free-page flags, bit for bit as in Linux's include/linux/gfp_types.h
/// (with CONFIG_KASAN_HW_TAGS, CONFIG_LOCKDEP and CONFIG_SLAB_OBJ_EXT all enabled,
/// so every conditional bit has its own position).
/// </summary>
[Flags]
public enum Gfp : uint
{
    /// <summary>No flag at all (Linux's <c>GFP_NOWAIT</c> before 6.x had no bits either; this is just 0).</summary>
    None = 0,

    // ---- Zone modifiers (GFP_ZONEMASK) ----
    /// <summary><c>__GFP_DMA</c>: allocate from ZONE_DMA.</summary>
    Dma = 0x01,
    /// <summary><c>__GFP_HIGHMEM</c>: the page may come from ZONE_HIGHMEM.</summary>
    HighMem = 0x02,
    /// <summary><c>__GFP_DMA32</c>: allocate from ZONE_DMA32.</summary>
    Dma32 = 0x04,
    /// <summary><c>__GFP_MOVABLE</c>: the page is movable (ZONE_MOVABLE when combined with HighMem).</summary>
    Movable = 0x08,

    // ---- Page mobility and placement ----
    /// <summary><c>__GFP_RECLAIMABLE</c>: slab pages that can be reclaimed via shrinkers.</summary>
    Reclaimable = 0x10,

    // ---- Watermark modifiers ----
    /// <summary><c>__GFP_HIGH</c>: high priority; may use reserves below the min watermark.</summary>
    High = 0x20,

    // ---- Reclaim modifiers ----
    /// <summary><c>__GFP_IO</c>: reclaim may start physical I/O.</summary>
    Io = 0x40,
    /// <summary><c>__GFP_FS</c>: reclaim may call into the filesystem layer.</summary>
    Fs = 0x80,

    // ---- Action modifiers ----
    /// <summary><c>__GFP_ZERO</c>: return a zeroed page.</summary>
    Zero = 0x100,

    // 0x200 is ___GFP_UNUSED_BIT in current Linux (it was __GFP_ATOMIC until 6.4).

    /// <summary><c>__GFP_DIRECT_RECLAIM</c>: the caller may enter direct reclaim, i.e. may <b>sleep</b>.</summary>
    DirectReclaim = 0x400,
    /// <summary><c>__GFP_KSWAPD_RECLAIM</c>: the allocator may wake kswapd (takes scheduler locks).</summary>
    KswapdReclaim = 0x800,
    /// <summary><c>__GFP_WRITE</c>: the caller intends to dirty the page.</summary>
    Write = 0x1000,
    /// <summary><c>__GFP_NOWARN</c>: suppress allocation-failure reports.</summary>
    NoWarn = 0x2000,
    /// <summary><c>__GFP_RETRY_MAYFAIL</c>: try hard, but fail eventually.</summary>
    RetryMayFail = 0x4000,
    /// <summary><c>__GFP_NOFAIL</c>: retry forever; needs <see cref="DirectReclaim"/> to be honoured.</summary>
    NoFail = 0x8000,
    /// <summary><c>__GFP_NORETRY</c>: give up after one light attempt at reclaim.</summary>
    NoRetry = 0x10000,
    /// <summary><c>__GFP_MEMALLOC</c>: access to all memory reserves.</summary>
    MemAlloc = 0x20000,
    /// <summary><c>__GFP_COMP</c>: compound page metadata.</summary>
    Comp = 0x40000,
    /// <summary><c>__GFP_NOMEMALLOC</c>: forbid access to emergency reserves.</summary>
    NoMemAlloc = 0x80000,
    /// <summary><c>__GFP_HARDWALL</c>: enforce the cpuset memory policy.</summary>
    HardWall = 0x100000,
    /// <summary><c>__GFP_THISNODE</c>: only the requested NUMA node; no fallback.</summary>
    ThisNode = 0x200000,
    /// <summary><c>__GFP_ACCOUNT</c>: account the allocation to kmemcg.</summary>
    Account = 0x400000,
    /// <summary><c>__GFP_ZEROTAGS</c>: zero memory tags when zeroing the page.</summary>
    ZeroTags = 0x800000,
    /// <summary><c>__GFP_SKIP_ZERO</c> (CONFIG_KASAN_HW_TAGS).</summary>
    SkipZero = 0x1000000,
    /// <summary><c>__GFP_SKIP_KASAN</c> (CONFIG_KASAN_HW_TAGS).</summary>
    SkipKasan = 0x2000000,
    /// <summary><c>__GFP_NOLOCKDEP</c> (CONFIG_LOCKDEP).</summary>
    NoLockdep = 0x4000000,
    /// <summary>
    /// <c>__GFP_NO_OBJ_EXT</c> (CONFIG_SLAB_OBJ_EXT): bit 27, the first bit after <c>__GFP_NOLOCKDEP</c>
    /// when every conditional bit is configured, and below <c>__GFP_BITS_SHIFT</c>.
    /// </summary>
    NoObjExt = 0x8000000,
    /// <summary>
    /// <c>__GFP_NO_CODETAG</c>: the allocation is not recorded by the early-PFN tracker's hook and gets
    /// no codetag. It reuses the <see cref="NoObjExt"/> bit, as the Linux series does; a page allocated
    /// with it must have <c>ClearPageTagRef</c> called before it is freed.
    /// </summary>
    NoCodetag = NoObjExt,

    // ---- Composites, with Linux's definitions ----
    /// <summary><c>__GFP_RECLAIM</c> = DirectReclaim | KswapdReclaim.</summary>
    Reclaim = DirectReclaim | KswapdReclaim,
    /// <summary><c>GFP_ZONEMASK</c> = Dma | HighMem | Dma32 | Movable.</summary>
    ZoneMask = Dma | HighMem | Dma32 | Movable,
    /// <summary><c>GFP_ATOMIC</c> = High | KswapdReclaim: may not sleep, may wake kswapd.</summary>
    Atomic = High | KswapdReclaim,
    /// <summary><c>GFP_KERNEL</c> = Reclaim | Io | Fs: may sleep.</summary>
    Kernel = Reclaim | Io | Fs,
    /// <summary><c>GFP_KERNEL_ACCOUNT</c> = Kernel | Account.</summary>
    KernelAccount = Kernel | Account,
    /// <summary><c>GFP_NOWAIT</c> = KswapdReclaim | NoWarn.</summary>
    NoWait = KswapdReclaim | NoWarn,
    /// <summary><c>GFP_NOIO</c> = Reclaim.</summary>
    NoIo = Reclaim,
    /// <summary><c>GFP_NOFS</c> = Reclaim | Io.</summary>
    NoFs = Reclaim | Io,
    /// <summary><c>GFP_USER</c> = Reclaim | Io | Fs | HardWall.</summary>
    User = Reclaim | Io | Fs | HardWall,
    /// <summary><c>GFP_HIGHUSER</c> = User | HighMem.</summary>
    HighUser = User | HighMem,
    /// <summary><c>GFP_HIGHUSER_MOVABLE</c> = HighUser | Movable.</summary>
    HighUserMovable = HighUser | Movable,
    /// <summary><c>GFP_TRANSHUGE_LIGHT</c> = (HighUserMovable | Comp | NoMemAlloc | NoWarn) &amp; ~Reclaim.</summary>
    TransHugeLight = (HighUserMovable | Comp | NoMemAlloc | NoWarn) & ~Reclaim,
    /// <summary><c>GFP_TRANSHUGE</c> = TransHugeLight | DirectReclaim.</summary>
    TransHuge = TransHugeLight | DirectReclaim,
}
