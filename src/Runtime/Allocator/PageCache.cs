namespace GfpAnalyzers.Runtime;

/// <summary>
/// Clean page-cache pages: the memory reclaim can take back. Tests and boot fill it; kswapd and direct
/// reclaim free its pages (oldest first) when zones run low.
/// </summary>
public sealed class PageCache
{
    private readonly PageAllocator _allocator;
    private readonly Dictionary<Zone, Queue<Page>> _byZone = [];
    private long _pages;

    internal PageCache(PageAllocator allocator) => _allocator = allocator;

    /// <summary>Pages currently in the cache.</summary>
    public long Pages => Interlocked.Read(ref _pages);

    /// <summary>
    /// Reads <paramref name="pages"/> pages into the cache on <paramref name="node"/> (falling back to other nodes,
    /// never reclaiming, never warning). Returns how many it got before memory ran out.
    /// </summary>
    public long Fill(long pages, int node = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pages);
        long added = 0;
        for (; added < pages; added++)
        {
            var page = _allocator.AllocPagesNode(node, (Gfp.HighUserMovable & ~Gfp.Reclaim) | Gfp.NoWarn, 0, "mm/filemap.c", 1977, "filemap_alloc_folio");
            if (page is null)
            {
                break;
            }

            lock (_byZone)
            {
                var zone = _allocator.ZoneOf(page.Pfn);
                if (!_byZone.TryGetValue(zone, out var queue))
                {
                    _byZone[zone] = queue = new Queue<Page>();
                }

                queue.Enqueue(page);
            }

            Interlocked.Increment(ref _pages);
        }

        return added;
    }

    /// <summary>Frees up to <paramref name="target"/> cached pages from <paramref name="zones"/>, in that order.</summary>
    internal long Reclaim(IEnumerable<Zone> zones, long target)
    {
        var victims = new List<Page>();
        lock (_byZone)
        {
            foreach (var zone in zones)
            {
                if (!_byZone.TryGetValue(zone, out var queue))
                {
                    continue;
                }

                while (victims.Count < target && queue.Count > 0)
                {
                    victims.Add(queue.Dequeue());
                }
            }
        }

        foreach (var page in victims)
        {
            _allocator.FreePage(page);
            Interlocked.Decrement(ref _pages);
        }

        return victims.Count;
    }
}
