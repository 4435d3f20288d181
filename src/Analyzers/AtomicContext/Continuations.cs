using System.Collections.Generic;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// Interned stacks of "where to go when this finally block ends". A branch that leaves try regions runs
/// their finally blocks in order; each path carries a frame (branch, index into its finally list), so a
/// finally reached from several exits returns each path to its own exit. An exception frame means the
/// path got there by an exception, which propagates when the finally ends.
/// </summary>
internal sealed class Continuations
{
    private readonly List<Frame> _frames = new() { new Frame(0, 0, -1, -1) };
    private readonly Dictionary<(int Parent, int Branch, int Index), int> _interned = new();

    public const int Empty = 0;

    /// <summary>Branch id of an exception frame.</summary>
    public const int ExceptionBranch = -1;

    public int Push(int parent, int branch, int finallyIndex)
    {
        var key = (parent, branch, finallyIndex);
        if (!_interned.TryGetValue(key, out var id))
        {
            id = _frames.Count;
            _frames.Add(new Frame(parent, _frames[parent].Depth + 1, branch, finallyIndex));
            _interned.Add(key, id);
        }

        return id;
    }

    public int Depth(int id) => _frames[id].Depth;

    public (int Parent, int Branch, int FinallyIndex) Top(int id)
    {
        var frame = _frames[id];
        return (frame.Parent, frame.Branch, frame.FinallyIndex);
    }

    /// <summary>The stack cut down to <paramref name="depth"/> frames (the frames of enclosing finally blocks).</summary>
    public int Truncate(int id, int depth)
    {
        while (_frames[id].Depth > depth)
        {
            id = _frames[id].Parent;
        }

        return id;
    }

    private readonly struct Frame
    {
        public Frame(int parent, int depth, int branch, int finallyIndex)
        {
            Parent = parent;
            Depth = depth;
            Branch = branch;
            FinallyIndex = finallyIndex;
        }

        public int Parent { get; }
        public int Depth { get; }
        public int Branch { get; }
        public int FinallyIndex { get; }
    }
}
