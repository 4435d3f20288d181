using System.Collections.Generic;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Summaries;

/// <summary>
/// Which Gfp parameters are known to allow blocking on every path into each block: the kernel's
/// <c>if (gfpflags_allow_blocking(gfp)) … GFP_KERNEL … else … GFP_ATOMIC</c> helper shape
/// (<c>gfp.AllowsBlocking()</c>, <c>(gfp &amp; Gfp.DirectReclaim) != 0</c>, <c>gfp.HasFlag(Gfp.DirectReclaim)</c>).
/// A sleeping allocation under such a guard sleeps only when the caller's argument allows it.
/// Parameters the method assigns are never trusted. (A must-analysis over the blocks: intersection at joins.)
/// </summary>
internal sealed class BlockingGuards
{
    private readonly ulong[] _in;

    private BlockingGuards(ulong[] facts) => _in = facts;

    /// <summary>Bit i: parameter with ordinal i allows blocking on every path into the block.</summary>
    public ulong GuardsAt(int block) => _in[block];

    public static BlockingGuards Run(ControlFlowGraph graph, IMethodSymbol? method, RuntimeSymbols symbols)
    {
        var blocks = graph.Blocks;
        var facts = new ulong[blocks.Length];
        var trusted = TrustedParameters(graph, method, symbols);
        if (trusted == 0)
        {
            return new BlockingGuards(facts);
        }

        var known = new bool[blocks.Length];
        known[0] = true;
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var block in blocks)
            {
                if (block.Ordinal == 0 || !block.IsReachable)
                {
                    continue;
                }

                ulong? meet = null;
                foreach (var predecessor in block.Predecessors)
                {
                    var source = predecessor.Source;
                    if (!known[source.Ordinal])
                    {
                        continue;
                    }

                    var edge = facts[source.Ordinal] | (EdgeGuard(source, predecessor.IsConditionalSuccessor, method, symbols) & trusted);
                    meet = meet is { } soFar ? soFar & edge : edge;
                }

                // No predecessor (a handler, a finally): nothing is known there.
                var value = block.Predecessors.IsEmpty ? 0 : meet;
                if (value is { } v && (!known[block.Ordinal] || facts[block.Ordinal] != v))
                {
                    facts[block.Ordinal] = v;
                    known[block.Ordinal] = true;
                    changed = true;
                }
            }
        }

        return new BlockingGuards(facts);
    }

    /// <summary>The parameters the branch of <paramref name="source"/> taken along this edge proves to allow blocking.</summary>
    private static ulong EdgeGuard(BasicBlock source, bool conditionalEdge, IMethodSymbol? method, RuntimeSymbols symbols)
    {
        if (source.ConditionKind == ControlFlowConditionKind.None || source.BranchValue is not { } condition
            || BitTest.Recognize(condition, symbols) is not { } test
            || test.Variable is not IParameterSymbol parameter || parameter.Ordinal >= 64
            || !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method))
        {
            return 0;
        }

        var direct = symbols.Bits.DirectReclaim;
        var provesDirectReclaim = test.All ? (test.Bits & direct) != 0 : test.Bits == direct;
        if (!provesDirectReclaim)
        {
            return 0;
        }

        // The condition is true along the conditional edge of a WhenTrue branch and the fall-through of a WhenFalse one.
        var conditionTrue = conditionalEdge == (source.ConditionKind == ControlFlowConditionKind.WhenTrue);
        return conditionTrue != test.Negated ? 1UL << parameter.Ordinal : 0;
    }

    /// <summary>Gfp value parameters the method never assigns.</summary>
    private static ulong TrustedParameters(ControlFlowGraph graph, IMethodSymbol? method, RuntimeSymbols symbols)
    {
        ulong trusted = 0;
        // A field or property initializer has no method (and no parameters).
        foreach (var parameter in method?.Parameters ?? System.Collections.Immutable.ImmutableArray<IParameterSymbol>.Empty)
        {
            if (parameter.Ordinal < 64 && parameter.RefKind == RefKind.None && symbols.IsGfp(parameter.Type))
            {
                trusted |= 1UL << parameter.Ordinal;
            }
        }

        if (trusted == 0)
        {
            return 0;
        }

        foreach (var operation in graph.OriginalOperation.Descendants())
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IArgumentOperation { Parameter.RefKind: not RefKind.None } argument => argument.Value,
                IIncrementOrDecrementOperation increment => increment.Target,
                _ => null,
            };
            if (target is IParameterReferenceOperation reference && reference.Parameter.Ordinal < 64)
            {
                trusted &= ~(1UL << reference.Parameter.Ordinal);
            }
        }

        return trusted;
    }
}
