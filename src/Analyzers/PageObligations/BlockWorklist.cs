using System.Collections.Generic;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>
/// The blocks waiting to be run, smallest ordinal first, each at most once: a binary heap over a reused array
/// (a sorted set would allocate a node for every block queued).
/// </summary>
internal sealed class BlockWorklist
{
    private readonly bool[] _queued;
    private readonly List<int> _heap = new();

    public BlockWorklist(int blockCount) => _queued = new bool[blockCount];

    public int Count => _heap.Count;

    public void Add(int ordinal)
    {
        if (_queued[ordinal])
        {
            return;
        }

        _queued[ordinal] = true;
        _heap.Add(ordinal);
        var child = _heap.Count - 1;
        while (child > 0)
        {
            var parent = (child - 1) / 2;
            if (_heap[parent] <= ordinal)
            {
                break;
            }

            _heap[child] = _heap[parent];
            child = parent;
        }

        _heap[child] = ordinal;
    }

    /// <summary>Removes and returns the smallest queued ordinal (the queue must not be empty).</summary>
    public int RemoveMin()
    {
        var min = _heap[0];
        _queued[min] = false;
        var last = _heap[_heap.Count - 1];
        _heap.RemoveAt(_heap.Count - 1);
        if (_heap.Count > 0)
        {
            var parent = 0;
            while (true)
            {
                var child = (2 * parent) + 1;
                if (child >= _heap.Count)
                {
                    break;
                }

                if (child + 1 < _heap.Count && _heap[child + 1] < _heap[child])
                {
                    child++;
                }

                if (last <= _heap[child])
                {
                    break;
                }

                _heap[parent] = _heap[child];
                parent = child;
            }

            _heap[parent] = last;
        }

        return min;
    }
}
