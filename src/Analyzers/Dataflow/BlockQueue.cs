namespace GfpAnalyzers.Analyzers.Dataflow;

/// <summary>
/// The blocks waiting for a visit, lowest ordinal first, each at most once: a binary heap of ordinals with a flag per
/// block (no allocation per enqueued block, unlike a sorted set's nodes). The worklist of the lock flow and of GFP004's
/// obligation dataflow: both visit blocks in ordinal order and revisit only what changed.
/// </summary>
internal sealed class BlockQueue
{
    private readonly bool[] _queued;
    private int[] _heap;
    private int _count;

    public BlockQueue(int blocks)
    {
        _queued = new bool[blocks];
        _heap = new int[blocks < 16 ? 16 : blocks];
    }

    public int Count => _count;

    public void Add(int ordinal)
    {
        if (_queued[ordinal])
        {
            return;
        }

        _queued[ordinal] = true;
        if (_count == _heap.Length)
        {
            System.Array.Resize(ref _heap, _heap.Length * 2);
        }

        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (_heap[parent] <= ordinal)
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = ordinal;
    }

    /// <summary>Removes and returns the lowest queued ordinal (the queue must not be empty).</summary>
    public int PopMin()
    {
        var min = _heap[0];
        _queued[min] = false;
        var last = _heap[--_count];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && _heap[child + 1] < _heap[child])
            {
                child++;
            }

            if (_heap[child] >= last)
            {
                break;
            }

            _heap[i] = _heap[child];
            i = child;
        }

        if (_count > 0)
        {
            _heap[i] = last;
        }

        return min;
    }

    public void Clear()
    {
        for (var i = 0; i < _count; i++)
        {
            _queued[_heap[i]] = false;
        }

        _count = 0;
    }
}
