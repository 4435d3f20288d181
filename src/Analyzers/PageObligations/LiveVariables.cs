using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.PageObligations;

/// <summary>
/// Which locals and flow captures of a graph may still be read from each block on: a local no later block reads holds
/// nothing the obligation analysis can ever look at again, so its entry (and the facts of pages only it held) can be
/// dropped from the states. This is what keeps a method that allocates page after page linear: without it every
/// earlier page's local and fact is carried, cloned, joined and compared in every later state.
/// A read anywhere in a catch, filter or finally (which the graph reaches without edges) keeps the variable live
/// everywhere. Dropping only what cannot be read, the analysis' results are the same with or without it.
/// </summary>
internal sealed class LiveVariables
{
    /// <summary>Backward rounds before giving up on pruning (every variable then stays live): only speed depends on it.</summary>
    private const int MaxRounds = 64;

    private readonly Dictionary<object, int> _bits = new(VariableKeyComparer.Instance);
    private readonly ulong[][] _liveIn;
    private readonly ulong[] _always;
    private readonly bool _pruning;

    private LiveVariables(ControlFlowGraph graph)
    {
        var blocks = graph.Blocks;
        var uses = new List<int>[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
        {
            uses[i] = new List<int>();
            foreach (var operation in blocks[i].Operations)
            {
                NoteUses(operation, uses[i]);
            }

            if (blocks[i].BranchValue is { } branchValue)
            {
                NoteUses(branchValue, uses[i]);
            }
        }

        var words = (_bits.Count + 63) / 64;
        _liveIn = new ulong[blocks.Length][];
        for (var i = 0; i < blocks.Length; i++)
        {
            _liveIn[i] = new ulong[words];
            foreach (var bit in uses[i])
            {
                _liveIn[i][bit / 64] |= 1UL << (bit % 64);
            }
        }

        _always = new ulong[words];
        _pruning = Solve(blocks);
        if (!_pruning)
        {
            return;
        }

        foreach (var block in blocks)
        {
            if (block.Ordinal != 0 && (block.Predecessors.IsEmpty || InHandler(block)))
            {
                Or(_always, _liveIn[block.Ordinal]);
            }
        }
    }

    public static LiveVariables Of(ControlFlowGraph graph) => new(graph);

    /// <summary>True when <paramref name="key"/> (a local or a flow capture) cannot be read from the start of block <paramref name="ordinal"/> on.</summary>
    public bool IsDead(object key, int ordinal)
    {
        if (!_pruning || key is not (ILocalSymbol or CaptureId))
        {
            return false;
        }

        if (!_bits.TryGetValue(key, out var bit))
        {
            return true;
        }

        var mask = 1UL << (bit % 64);
        return (_liveIn[ordinal][bit / 64] & mask) == 0 && (_always[bit / 64] & mask) == 0;
    }

    /// <summary>live-in(b) = uses(b) ∪ live-in of its successors, in reverse block order until nothing changes.</summary>
    private bool Solve(System.Collections.Immutable.ImmutableArray<BasicBlock> blocks)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var changed = false;
            for (var i = blocks.Length - 1; i >= 0; i--)
            {
                changed |= blocks[i].ConditionalSuccessor?.Destination is { } conditional && Or(_liveIn[i], _liveIn[conditional.Ordinal]);
                changed |= blocks[i].FallThroughSuccessor?.Destination is { } fallThrough && Or(_liveIn[i], _liveIn[fallThrough.Ordinal]);
            }

            if (!changed)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Or(ulong[] target, ulong[] source)
    {
        var changed = false;
        for (var i = 0; i < target.Length; i++)
        {
            var merged = target[i] | source[i];
            changed |= merged != target[i];
            target[i] = merged;
        }

        return changed;
    }

    private static bool InHandler(BasicBlock block)
    {
        // A lambda's or local function's graph hangs below its parent's regions: stop at this graph's root.
        for (var region = block.EnclosingRegion; region is not null; region = region.Kind == ControlFlowRegionKind.Root ? null : region.EnclosingRegion)
        {
            if (region.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.Filter or ControlFlowRegionKind.FilterAndHandler or ControlFlowRegionKind.Finally)
            {
                return true;
            }
        }

        return false;
    }

    private void NoteUses(IOperation root, List<int> uses)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            object? key = operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IFlowCaptureReferenceOperation reference => reference.Id,
                IFlowCaptureOperation capture => capture.Id,
                _ => null,
            };
            if (key is null)
            {
                continue;
            }

            if (!_bits.TryGetValue(key, out var bit))
            {
                bit = _bits.Count;
                _bits[key] = bit;
            }

            uses.Add(bit);
        }
    }
}
