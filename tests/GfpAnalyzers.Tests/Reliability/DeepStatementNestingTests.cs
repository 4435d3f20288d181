using System.Text;
using GfpAnalyzers.Analyzers.AtomicContext;
using GfpAnalyzers.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.Tests.Reliability;

/// <summary>
/// Statements nested thousands deep: finding which exit a path leaves by (GFP008's "still held when 'M' reaches its
/// end") walks up and down the statement nesting, and must do it without using stack per level.
/// </summary>
public class DeepStatementNestingTests
{
    /// <summary>
    /// What the compiler survives end to end on a thread-pool thread of the test host: Roslyn 4.8 itself overflows its
    /// stack on 5,000 nested blocks (NullableWalker.VisitBlock, seen in this suite), 20,000 (Binder) and 5,000 nested
    /// ifs (CSharpOperationFactory), before any analyzer runs; so the analyzer runs at 1,000 blocks and 500 ifs, and
    /// the walk alone is tested deeper below.
    /// </summary>
    [Theory]
    [InlineData("{ ", " }", 1_000)]
    [InlineData("if (c) { ", " }", 500)]
    public async Task A_lock_held_to_the_end_of_deeply_nested_statements_is_reported_at_the_end(string open, string close, int depth)
    {
        var source = TestSource(open, close, depth);
        var workbench = ReliabilityWorkbench.Instance;
        var document = workbench.CreateDocument(source);
        Assert.Empty(await GfpWorkbench.CompilerErrorsAsync(document, CancellationToken.None));

        var run = await workbench.AnalyzeAsync(document, concurrent: true, CancellationToken.None);
        Assert.True(run.Failures.IsEmpty, string.Join("\n", run.Failures));
        var leak = Assert.Single(run.Diagnostics);
        Assert.Equal("GFP008", leak.Id);
        Assert.Equal("The RCU read lock taken at line 7 is still held when 'M' reaches its end", leak.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Deeper, parsed only (as deep as the parser goes before it reports CS8078), walked on a thread with a 256 KB
    /// stack: a walk that recursed per level would overflow it (and take the test host down); the loop reaches the
    /// method's end.
    /// </summary>
    [Theory]
    [InlineData("{ ", " }", 20_000)]
    [InlineData("if (c) { ", " }", 5_000)]
    [InlineData("lock (this) { ", " }", 5_000)]
    public void The_exit_after_a_statement_thousands_of_levels_deep_is_found_without_recursion(string open, string close, int depth)
    {
        // The parser gives up (CS8078) where its own stack runs low: parsed on a large stack, so the depth is the test's.
        SyntaxTree? parsed = null;
        var parser = new Thread(() => parsed = CSharpSyntaxTree.ParseText(TestSource(open, close, depth)), maxStackSize: 256 * 1024 * 1024);
        parser.Start();
        parser.Join();
        var tree = parsed!;
        Assert.Empty(tree.GetDiagnostics());
        var root = tree.GetRoot();
        var innermost = root.DescendantNodes().OfType<ExpressionStatementSyntax>().Single(statement => statement.ToString() == "Work();");
        var method = root.DescendantNodes().OfType<MethodDeclarationSyntax>().Single(declaration => declaration.Identifier.ValueText == "M");

        MethodExit? exit = null;
        var walker = new Thread(() => exit = ExitLocator.ExitAfter(innermost), maxStackSize: 256 * 1024);
        walker.Start();
        walker.Join();

        Assert.True(exit is { IsEnd: true }, "no exit found");
        Assert.Same(method.Body, exit!.Value.Node);
    }

    private static string TestSource(string open, string close, int depth)
    {
        var text = new StringBuilder("using GfpAnalyzers.Runtime;\nclass C\n{\n    void Work() { }\n    void M(Rcu rcu, bool c)\n    {\n        rcu.ReadLock();\n        ");
        for (var i = 0; i < depth; i++)
        {
            text.Append(open);
        }

        text.Append("Work();");
        for (var i = 0; i < depth; i++)
        {
            text.Append(close);
        }

        return text.Append("\n    }\n}\n").ToString();
    }
}
