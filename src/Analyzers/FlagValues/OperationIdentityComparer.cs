// Operations as dictionary keys, compared by identity, hashed by where their syntax is.
//
//   new Dictionary<IOperation, FlagValue>(OperationIdentityComparer.Instance)
//
// The default comparer hashes an operation by object identity: the first hash of each object makes the runtime
// create and store one in the object's header (RuntimeHelpers.GetHashCodeWorker, a visible share of the solver's
// time, and control-flow graphs are made of new objects). The position and width of the operation's syntax and its
// kind are read from fields: as good a spread (operations that share a syntax node differ in kind), no header write.
// Equality stays reference equality, so a collision costs a comparison, never a wrong answer.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.FlagValues;

internal sealed class OperationIdentityComparer : IEqualityComparer<IOperation>
{
    public static readonly OperationIdentityComparer Instance = new();

    public bool Equals(IOperation? x, IOperation? y) => ReferenceEquals(x, y);

    public int GetHashCode(IOperation operation)
    {
        var span = operation.Syntax.FullSpan;
        return unchecked((span.Start * 397) ^ (span.Length * 31) ^ (int)operation.Kind);
    }
}
