using GfpAnalyzers.Analyzers.AtomicContext;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// <see cref="OperationPositions"/> finds an operation's block and statement from its statement alone, searching on from
/// the last answer and indexing the graph once callers ask out of order: every order of asking must give the same answers.
/// </summary>
public class OperationPositionsTests
{
    private const string Source = """
        using System;
        class C
        {
            int M(int[] values, bool flag)
            {
                var sum = 0;
                foreach (var v in values)
                {
                    if (v > 10 && flag)
                    {
                        sum += v * 2;
                        continue;
                    }

                    Func<int, int> twice = x => x + x;
                    sum = flag ? twice(sum) : sum - 1;
                }

                try
                {
                    sum /= values.Length;
                }
                finally
                {
                    Console.WriteLine(sum);
                }

                return sum > 0 ? sum : -sum;
            }
        }
        """;

    [Fact]
    public async Task Every_operation_is_found_where_the_graph_has_it_in_any_order_of_asking()
    {
        var (cfg, _) = await GraphAsync();
        var expected = Expected(cfg);
        Assert.True(expected.Count > 50);

        var inOrder = new OperationPositions(cfg);
        foreach (var (operation, position) in expected)
        {
            Assert.True(inOrder.TryGetValue(operation, out var found));
            Assert.Equal(position, found);
        }

        // Backwards, three times over: far past the search budget, so the answers come from the index by then.
        var backwards = new OperationPositions(cfg);
        for (var round = 0; round < 3; round++)
        {
            for (var i = expected.Count - 1; i >= 0; i--)
            {
                Assert.True(backwards.TryGetValue(expected[i].Operation, out var found));
                Assert.Equal(expected[i].Position, found);
            }
        }
    }

    [Fact]
    public async Task Operations_of_other_graphs_and_of_the_original_tree_are_not_found()
    {
        var (cfg, original) = await GraphAsync();
        var positions = new OperationPositions(cfg);
        var lambda = Expected(cfg).Select(e => e.Operation).OfType<IFlowAnonymousFunctionOperation>().Single();
        var lambdaGraph = cfg.GetAnonymousFunctionControlFlowGraph(lambda, CancellationToken.None);
        foreach (var (operation, _) in Expected(lambdaGraph))
        {
            Assert.False(positions.TryGetValue(operation, out _));
        }

        foreach (var operation in original.DescendantsAndSelf())
        {
            Assert.False(positions.TryGetValue(operation, out _));
        }
    }

    /// <summary>Every operation of the graph's blocks with its block ordinal and statement index (the branch value last).</summary>
    private static List<(IOperation Operation, (int Block, int Statement) Position)> Expected(ControlFlowGraph cfg)
    {
        var result = new List<(IOperation, (int, int))>();
        foreach (var block in cfg.Blocks)
        {
            var statements = block.BranchValue is null ? block.Operations : block.Operations.Add(block.BranchValue);
            for (var i = 0; i < statements.Length; i++)
            {
                foreach (var operation in statements[i].DescendantsAndSelf())
                {
                    result.Add((operation, (block.Ordinal, i)));
                }
            }
        }

        return result;
    }

    private static async Task<(ControlFlowGraph Graph, IOperation Original)> GraphAsync()
    {
        var references = await ReferenceAssemblies.Net.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var tree = CSharpSyntaxTree.ParseText(Source);
        var compilation = CSharpCompilation.Create("Positions", new[] { tree }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
        var original = model.GetOperation(method)!;
        return (ControlFlowGraph.Create(method, model)!, original);
    }
}
