using System.Numerics;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// The free blocks of one order in one zone, as a bitmap over the zone's 2^order-aligned block starts, with the
/// lowest one found by scanning from a hint. It replaces a sorted set: the same lowest-PFN-first choice (so the
/// model stays deterministic), without a tree node per block or a tree walk per allocation.
/// </summary>
internal sealed class FreeBlockSet
{
    private readonly ulong[] _words;
    private readonly long _firstBlock;
    private readonly int _order;

    // No set bit lies in a word below this one.
    private int _lowestWord;

    public FreeBlockSet(long start, long end, int order)
    {
        _order = order;
        _firstBlock = start >> order;
        var blocks = ((end - 1) >> order) - _firstBlock + 1;
        _words = new ulong[(blocks + 63) / 64];
        _lowestWord = _words.Length;
    }

    /// <summary>Free blocks of this order.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the block that starts at <paramref name="pfn"/> (aligned to 2^order, not yet in the set).</summary>
    public void Add(long pfn)
    {
        var bit = (pfn >> _order) - _firstBlock;
        var word = (int)(bit >> 6);
        _words[word] |= 1UL << (int)(bit & 63);
        _lowestWord = Math.Min(_lowestWord, word);
        Count++;
    }

    /// <summary>Removes the block that starts at <paramref name="pfn"/> (in the set).</summary>
    public void Remove(long pfn)
    {
        var bit = (pfn >> _order) - _firstBlock;
        _words[bit >> 6] &= ~(1UL << (int)(bit & 63));
        Count--;
    }

    /// <summary>The lowest free block's first PFN; the set must not be empty.</summary>
    public long Lowest()
    {
        while (_words[_lowestWord] == 0)
        {
            _lowestWord++;
        }

        var bit = ((long)_lowestWord << 6) + BitOperations.TrailingZeroCount(_words[_lowestWord]);
        return (_firstBlock + bit) << _order;
    }
}
