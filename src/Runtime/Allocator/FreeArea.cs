namespace GfpAnalyzers.Runtime;

/// <summary>
/// A zone's buddy free lists (<c>zone-&gt;free_area[]</c>). Blocks of order <c>o</c> start at PFNs aligned to
/// 2^o and never cross the zone. Not thread-safe: the zone lock guards it.
/// </summary>
internal sealed class FreeArea
{
    // Lowest PFN first, so the model is deterministic.
    private readonly FreeBlockSet[] _lists = new FreeBlockSet[PageAllocator.MaxPageOrder + 1];
    private readonly long _start;
    private readonly long _end;

    // Shared by all zones of an allocator: the order of the free block a PFN heads, or -1.
    private readonly sbyte[] _freeOrder;

    public FreeArea(long start, long end, sbyte[] freeOrder)
    {
        _start = start;
        _end = end;
        _freeOrder = freeOrder;
        for (var order = 0; order < _lists.Length; order++)
        {
            _lists[order] = new FreeBlockSet(start, end, order);
        }

        // Carve the range into the largest aligned blocks that fit.
        for (var pfn = start; pfn < end;)
        {
            var order = PageAllocator.MaxPageOrder;
            while (order > 0 && (pfn % (1L << order) != 0 || pfn + (1L << order) > end))
            {
                order--;
            }

            Add(pfn, order);
            FreePages += 1L << order;
            pfn += 1L << order;
        }
    }

    public long FreePages { get; private set; }

    /// <summary>__rmqueue_smallest(): the lowest free block of the smallest order that fits, split down to <paramref name="order"/>.</summary>
    public long Take(int order)
    {
        for (var current = order; current < _lists.Length; current++)
        {
            if (_lists[current].Count == 0)
            {
                continue;
            }

            var pfn = _lists[current].Lowest();
            Remove(pfn, current);
            while (current > order)
            {
                current--;
                Add(pfn + (1L << current), current);
            }

            FreePages -= 1L << order;
            return pfn;
        }

        return -1;
    }

    /// <summary>__free_one_page(): merges the block with its free buddies as far as it can.</summary>
    public void Give(long pfn, int order)
    {
        FreePages += 1L << order;
        while (order < PageAllocator.MaxPageOrder)
        {
            var buddy = pfn ^ (1L << order);
            if (buddy < _start || buddy >= _end || _freeOrder[buddy] != order)
            {
                break;
            }

            Remove(buddy, order);
            pfn = Math.Min(pfn, buddy);
            order++;
        }

        Add(pfn, order);
    }

    public int[] BlocksPerOrder() => _lists.Select(l => l.Count).ToArray();

    private void Add(long pfn, int order)
    {
        _lists[order].Add(pfn);
        _freeOrder[pfn] = (sbyte)order;
    }

    private void Remove(long pfn, int order)
    {
        _lists[order].Remove(pfn);
        _freeOrder[pfn] = -1;
    }
}
