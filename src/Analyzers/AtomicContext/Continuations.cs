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
    private static readonly Frame EmptyFrame = new(0, 0, -1, -1);

    // Made on the first push: a graph without finally blocks never needs them.
    private List<Frame>? _frames;
    private Dictionary<(int Parent, int Branch, int Index), int>? _interned;

    public const int Empty = 0;

    /// <summary>Branch id of an exception frame.</summary>
    public const int ExceptionBranch = -1;

    public int Push(int parent, int branch, int finallyIndex)
    {
        var key = (parent, branch, finallyIndex);
        _frames ??= new List<Frame> { EmptyFrame };
        _interned ??= new Dictionary<(int Parent, int Branch, int Index), int>();
        if (!_interned.TryGetValue(key, out var id))
        {
            id = _frames.Count;
            _frames.Add(new Frame(parent, _frames[parent].Depth + 1, branch, finallyIndex));
            _interned.Add(key, id);
        }

        return id;
    }

    public int Depth(int id) => FrameOf(id).Depth;

    public (int Parent, int Branch, int FinallyIndex) Top(int id)
    {
        var frame = FrameOf(id);
        return (frame.Parent, frame.Branch, frame.FinallyIndex);
    }

    /// <summary>The stack cut down to <paramref name="depth"/> frames (the frames of enclosing finally blocks).</summary>
    public int Truncate(int id, int depth)
    {
        while (FrameOf(id).Depth > depth)
        {
            id = FrameOf(id).Parent;
        }

        return id;
    }

    /// <summary>Only <see cref="Empty"/> exists before the first push.</summary>
    private Frame FrameOf(int id) => _frames is null ? EmptyFrame : _frames[id];

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
