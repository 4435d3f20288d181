using System.Collections.Generic;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// The paths that may reach a program point, kept small: a state already covered by another is dropped,
/// and two states that differ only in one condition being true versus false are merged (that condition
/// no longer tells them apart). If a point still collects too many states, it forgets conditions
/// altogether ("collapses"), which only adds paths: "may hold" stays sound, "must hold" gets quieter.
/// </summary>
internal sealed class PathStateSet
{
    private const int CollapseThreshold = 48;

    private readonly List<PathState> _states = new();
    private bool _collapsed;

    public int Count => _states.Count;

    public IReadOnlyList<PathState> States => _states;

    public PathState[] ToArray() => _states.ToArray();

    /// <summary>The set holds exactly <paramref name="states"/>, in that order.</summary>
    public bool SameStates(PathState[] states)
    {
        if (states.Length != _states.Count)
        {
            return false;
        }

        for (var i = 0; i < states.Length; i++)
        {
            if (!states[i].Equals(_states[i]))
            {
                return false;
            }
        }

        return true;
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

        if (!_collapsed && _states.Count > CollapseThreshold)
        {
            Collapse();
        }

        return true;
    }

    public bool AddAll(IEnumerable<PathState> states)
    {
        var changed = false;
        foreach (var state in states)
        {
            changed |= Add(state);
        }

        return changed;
    }

    /// <summary>Forgets every condition from now on; guarantees the set stays small however the method loops.</summary>
    public void Collapse()
    {
        if (_collapsed)
        {
            return;
        }

        _collapsed = true;
        var old = _states.ToArray();
        _states.Clear();
        foreach (var state in old)
        {
            AddCore(state.WithConditions(0, 0));
        }
    }

    private bool AddCore(PathState state)
    {
        foreach (var existing in _states)
        {
            if (existing.Subsumes(state))
            {
                return false;
            }
        }

        RemoveSubsumedBy(state);

        // Merge with a state that differs only in one condition's value: together they leave it unknown.
        for (var i = 0; i < _states.Count; i++)
        {
            var other = _states[i];
            if (!other.SameLocks(state))
            {
                continue;
            }

            var diffTrue = other.KnownTrue ^ state.KnownTrue;
            var diffFalse = other.KnownFalse ^ state.KnownFalse;
            if (diffTrue != 0 && diffTrue == diffFalse && (diffTrue & (diffTrue - 1)) == 0)
            {
                _states.RemoveAt(i);
                AddCore(state.WithConditions(state.KnownTrue & ~diffTrue, state.KnownFalse & ~diffTrue));
                return true;
            }
        }

        _states.Add(state);
        return true;
    }

    /// <summary>Drops the states <paramref name="state"/> covers, keeping the others in order.</summary>
    private void RemoveSubsumedBy(PathState state)
    {
        var kept = 0;
        for (var i = 0; i < _states.Count; i++)
        {
            if (!state.Subsumes(_states[i]))
            {
                _states[kept++] = _states[i];
            }
        }

        if (kept < _states.Count)
        {
            _states.RemoveRange(kept, _states.Count - kept);
        }
    }
}
