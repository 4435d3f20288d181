// The explicit stack of an operation-tree walk (walks never recurse: input-controlled depth).
//
//   var stack = new OperationStack();  stack.Push(root, false);  while (stack.Count > 0) { var (op, flag) = stack.Pop(); ... }
//
// A Stack<IOperation> keeps an IOperation[]: every push pays the runtime's covariant array-store check, an interface
// cast (StelemRef, IsInstanceOfInterface: a visible share of a walk's time). A struct element needs no check. Each entry
// carries one flag for walks that track a fact about the path from the root (inside a lambda, say).
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Operations;

internal sealed class OperationStack
{
    private Entry[] _entries = new Entry[32];
    private int _count;

    public int Count => _count;

    public void Push(IOperation operation, bool flag = false)
    {
        if (_count == _entries.Length)
        {
            System.Array.Resize(ref _entries, _count * 2);
        }

        _entries[_count++] = new Entry(operation, flag);
    }

    /// <summary>Pushes the children of <paramref name="operation"/> (a walk's step; the order of a pre-order walk is not kept).</summary>
    public void PushChildren(IOperation operation, bool flag = false)
    {
        foreach (var child in operation.ChildOperations)
        {
            Push(child, flag);
        }
    }

    /// <summary>Drops what a walk that stopped early left (a stack kept between walks holds no tree alive).</summary>
    public void Clear()
    {
        System.Array.Clear(_entries, 0, _count);
        _count = 0;
    }

    /// <summary>The top entry, removed (its slot is cleared: a stack kept between walks holds no tree alive).</summary>
    public (IOperation Operation, bool Flag) Pop()
    {
        var entry = _entries[--_count];
        _entries[_count] = default;
        return (entry.Operation, entry.Flag);
    }

    private readonly struct Entry
    {
        public Entry(IOperation operation, bool flag)
        {
            Operation = operation;
            Flag = flag;
        }

        public IOperation Operation { get; }

        public bool Flag { get; }
    }
}
