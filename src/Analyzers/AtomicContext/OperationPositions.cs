using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// Where each operation of a control-flow graph sits: block ordinal and statement index (the branch value is the last
/// index). Nothing is recorded per operation: an operation is found through the statement at the top of its parent
/// chain, and that statement among the blocks' statements. Callers ask in block order, so the search goes on from
/// where the last answer was found; past a budget of a few times the graph's size (callers asking out of order), the
/// statements go into a dictionary once, so a graph never costs more than linear work. An operation of another graph,
/// or of the original operation tree, is not found.
/// </summary>
internal sealed class OperationPositions
{
    private readonly ControlFlowGraph _graph;
    private readonly int _statementCount;

    /// <summary>Where the last search ended (a hint only: any value is a valid place to start).</summary>
    private int _cursor;

    /// <summary>Statements compared by all searches so far (approximate under races: it only decides when to index).</summary>
    private int _compared;

    private Dictionary<IOperation, (int Block, int Statement)>? _index;

    public OperationPositions(ControlFlowGraph graph)
    {
        _graph = graph;
        foreach (var block in graph.Blocks)
        {
            _statementCount += StatementCount(block);
        }
    }

    public bool TryGetValue(IOperation operation, out (int Block, int Statement) position)
    {
        var statement = operation;
        while (statement.Parent is { } parent)
        {
            statement = parent;
        }

        if (Volatile.Read(ref _index) is { } index)
        {
            return index.TryGetValue(statement, out position);
        }

        if (_compared > 4 * _statementCount + 64)
        {
            var built = Index();
            index = Interlocked.CompareExchange(ref _index, built, null) ?? built;
            return index.TryGetValue(statement, out position);
        }

        return Search(statement, out position);
    }

    private static int StatementCount(BasicBlock block) => block.Operations.Length + (block.BranchValue is null ? 0 : 1);

    /// <summary>One round over the blocks, starting at the cursor.</summary>
    private bool Search(IOperation statement, out (int Block, int Statement) position)
    {
        var blocks = _graph.Blocks;
        var start = Volatile.Read(ref _cursor);
        var compared = 0;
        for (var n = 0; n < blocks.Length; n++)
        {
            var ordinal = (start + n) % blocks.Length;
            var block = blocks[ordinal];
            var operations = block.Operations;
            for (var i = 0; i < operations.Length; i++)
            {
                compared++;
                if (operations[i] == statement)
                {
                    return Found(ordinal, i, compared, out position);
                }
            }

            if (block.BranchValue is { } branchValue)
            {
                compared++;
                if (branchValue == statement)
                {
                    return Found(ordinal, operations.Length, compared, out position);
                }
            }
        }

        Interlocked.Add(ref _compared, compared);
        position = default;
        return false;
    }

    private bool Found(int block, int statement, int compared, out (int Block, int Statement) position)
    {
        Interlocked.Add(ref _compared, compared);
        Volatile.Write(ref _cursor, block);
        position = (block, statement);
        return true;
    }

    private Dictionary<IOperation, (int Block, int Statement)> Index()
    {
        var index = new Dictionary<IOperation, (int Block, int Statement)>(_statementCount);
        foreach (var block in _graph.Blocks)
        {
            var operations = block.Operations;
            for (var i = 0; i < operations.Length; i++)
            {
                index[operations[i]] = (block.Ordinal, i);
            }

            if (block.BranchValue is { } branchValue)
            {
                index[branchValue] = (block.Ordinal, operations.Length);
            }
        }

        return index;
    }
}
