using System.Collections;
using System.Collections.Generic;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// The paths that may reach a program point, kept small: a state already covered by another is dropped,
/// and two states that differ only in one condition being true versus false are merged (that condition
/// no longer tells them apart). If a point still collects too many states, it forgets conditions
/// altogether ("collapses"), which only adds paths: "may hold" stays sound, "must hold" gets quieter.
/// Most program points see one state: it is kept inline, and only the others go into an array.
/// </summary>
internal sealed class PathStateSet : IReadOnlyList<PathState>
{
    private const int CollapseThreshold = 48;

    /// <summary>The first state (when <see cref="_count"/> is at least 1).</summary>
    private PathState _first;

    /// <summary>The states after the first, in order (state i is at i - 1); null until there is a second.</summary>
    private PathState[]? _rest;

    private int _count;
    private bool _collapsed;

    public int Count => _count;

    /// <summary>The states in the order they were added (the set itself: nothing is copied).</summary>
    public IReadOnlyList<PathState> States => this;

    public PathState this[int index]
        => (uint)index < (uint)_count
            ? index == 0 ? _first : _rest![index - 1]
            : throw new System.ArgumentOutOfRangeException(nameof(index));

    public PathState[] ToArray()
    {
        var result = new PathState[_count];
        for (var i = 0; i < _count; i++)
        {
            result[i] = Get(i);
        }

        return result;
    }

    /// <summary>Appends the states to <paramref name="target"/>, in order.</summary>
    public void CopyTo(List<PathState> target)
    {
        for (var i = 0; i < _count; i++)
        {
            target.Add(Get(i));
        }
    }

    /// <summary>Adds the paths of <paramref name="state"/>; true when the set now stands for more paths.</summary>
    public bool Add(PathState state)
    {
        if (_collapsed)
        {
            state = state.WithConditions(0, 0);
        }

        if (!AddCore(state))
        {
            return false;
        }

        if (!_collapsed && _count > CollapseThreshold)
        {
            Collapse();
        }

        return true;
    }

    /// <summary>Forgets every condition from now on; guarantees the set stays small however the method loops.</summary>
    public void Collapse()
    {
        if (_collapsed)
        {
            return;
        }

        _collapsed = true;
        var old = ToArray();
        _count = 0;
        foreach (var state in old)
        {
            AddCore(state.WithConditions(0, 0));
        }
    }

    public IEnumerator<PathState> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return Get(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private PathState Get(int index) => index == 0 ? _first : _rest![index - 1];

    private void Set(int index, PathState state)
    {
        if (index == 0)
        {
            _first = state;
        }
        else
        {
            _rest![index - 1] = state;
        }
    }

    private void Append(PathState state)
    {
        if (_count > 0)
        {
            if (_rest is null)
            {
                _rest = new PathState[3];
            }
            else if (_count - 1 == _rest.Length)
            {
                System.Array.Resize(ref _rest, 2 * _rest.Length);
            }
        }

        _count++;
        Set(_count - 1, state);
    }

    private void RemoveAt(int index)
    {
        for (var i = index; i < _count - 1; i++)
        {
            Set(i, Get(i + 1));
        }

        _count--;
    }

    private bool AddCore(PathState state)
    {
        for (var i = 0; i < _count; i++)
        {
            if (Get(i).Subsumes(state))
            {
                return false;
            }
        }

        RemoveSubsumedBy(state);

        // Merge with a state that differs only in one condition's value: together they leave it unknown.
        for (var i = 0; i < _count; i++)
        {
            var other = Get(i);
            if (!other.SameLocks(state))
            {
                continue;
            }

            var diffTrue = other.KnownTrue ^ state.KnownTrue;
            var diffFalse = other.KnownFalse ^ state.KnownFalse;
            if (diffTrue != 0 && diffTrue == diffFalse && (diffTrue & (diffTrue - 1)) == 0)
            {
                RemoveAt(i);
                AddCore(state.WithConditions(state.KnownTrue & ~diffTrue, state.KnownFalse & ~diffTrue));
                return true;
            }
        }

        Append(state);
        return true;
    }

    /// <summary>Drops the states <paramref name="state"/> covers, keeping the others in order.</summary>
    private void RemoveSubsumedBy(PathState state)
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            var existing = Get(i);
            if (!state.Subsumes(existing))
            {
                Set(kept++, existing);
            }
        }

        _count = kept;
    }
}
