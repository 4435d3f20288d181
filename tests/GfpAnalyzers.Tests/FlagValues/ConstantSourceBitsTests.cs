using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Tests.Meta;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Tests.FlagValues;

/// <summary>
/// The tree-only bound GFP005 (and GFP005 at calls) read before asking for a body's flag analysis: a bit it leaves out
/// must be a bit no constant source of the body's flag values can carry, or the rules would lose a finding.
/// </summary>
public class ConstantSourceBitsTests
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
        (await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(TestEnvironment.RuntimeReference));

    [Theory]
    [InlineData("a.AllocPage(Gfp.Kernel | Gfp.NoFail);", true)]
    [InlineData("const Gfp Retry = Gfp.NoFail; a.AllocPage(gfp | Retry);", true)]
    [InlineData("Action later = () => a.AllocPage(Gfp.Kernel | Gfp.NoFail);", true)]
    [InlineData("a.AllocPage(~gfp);", true)]
    [InlineData("var mask = ~Gfp.Io; a.AllocPage(gfp & mask);", true)]
    [InlineData("int raw = (int)Gfp.NoFail; a.AllocPage((Gfp)raw | gfp);", true)]
    [InlineData("a.AllocPage(gfp | PoolFlags);", true)]
    [InlineData("a.AllocPage(gfp | RetryFlags);", true)]
    [InlineData("a.AllocPage(gfp | RetryFlagsOf());", true)]
    [InlineData("a.AllocPage(Gfp.Kernel);", false)]
    [InlineData("a.AllocPage(gfp & ~Gfp.Io);", false)]
    [InlineData("var f = gfp; f &= ~Gfp.NoFail; a.AllocPage(f);", false)]
    [InlineData("int limit = (int)Gfp.NoFail; for (var i = 0; i < limit; i++) a.AllocPage(gfp);", false)]
    [InlineData("a.AllocPage(gfp | QuietFlags);", false)]
    [InlineData("if ((int)gfp == 0x8000) a.AllocPage(gfp);", true)]
    [InlineData("if (0x8000u != (uint)gfp) return; a.AllocPage(gfp);", true)]
    [InlineData("if ((int)gfp == 0x10) a.AllocPage(gfp);", false)]
    public async Task NoFail_is_in_the_bound_exactly_when_a_constant_source_may_carry_it(string body, bool mayCarryNoFail)
    {
        var (bits, _, symbols) = await BoundsOfMAsync(body);
        Assert.Equal(mayCarryNoFail, (bits & symbols.Bits.NoFail) != 0);
    }

    [Theory]
    [InlineData("a.AllocPage(gfp);", false)]
    [InlineData("var f = kind switch { 0 => Gfp.Kernel, 1 => Gfp.NoWait, _ => Gfp.Atomic }; a.AllocPage(f);", false)]
    [InlineData("a.AllocPage(gfp & ~Gfp.NoCodetag);", false)]
    [InlineData("a.AllocPage(gfp | Gfp.NoCodetag);", true)]
    [InlineData("if ((gfp & Gfp.NoCodetag) != 0) a.AllocPage(gfp);", true)]
    [InlineData("if (((uint)gfp & 0x8000000u) == 0x8000000u) a.AllocPage(gfp);", true)]
    [InlineData("if (gfp.HasFlag(Gfp.NoCodetag)) a.AllocPage(gfp);", true)]
    [InlineData("if ((uint)gfp == 0x8000000u) a.AllocPage(gfp);", true)]
    [InlineData("a.AllocPage(~(gfp & ~Gfp.NoCodetag));", true)]
    [InlineData("a.AllocPage(gfp | TrackerFlags);", true)]
    public async Task NoCodetag_is_in_the_must_bound_exactly_when_some_value_may_have_it_on_every_path(string body, bool mayHaveNoCodetag)
    {
        var (_, mustBound, symbols) = await BoundsOfMAsync(body);
        Assert.Equal(mayHaveNoCodetag, (mustBound & symbols.Bits.NoCodetag) != 0);
    }

    [Fact]
    public async Task The_bounds_cover_every_constant_source_and_must_bit_the_flag_analysis_finds_in_the_samples()
    {
        // Soundness on real code: every Gfp argument of every graph (methods, lambdas, local functions) of the samples
        // and the tracker corpus, its constant sources' bits inside the bound of its body, its must bits inside the
        // must bound.
        var checkedSources = 0;
        var checkedMusts = 0;
        foreach (var sources in SampleSources())
        {
            var compilation = CSharpCompilation.Create(
                "Samples",
                sources.Select(text => CSharpSyntaxTree.ParseText(text)),
                await References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            Assert.True(RuntimeSymbols.TryCreate(compilation, out var symbols));
            foreach (var tree in compilation.SyntaxTrees)
            {
                var model = compilation.GetSemanticModel(tree);
                foreach (var body in tree.GetRoot().DescendantNodes().OfType<BaseMethodDeclarationSyntax>())
                {
                    if (model.GetOperation(body) is not { } root || ControlFlowGraph.Create(body, model) is not { } graph)
                    {
                        continue;
                    }

                    var bound = ConstantSourceBits.Of(root, symbols);
                    var mustBound = ConstantSourceBits.MustBound(root, symbols);
                    foreach (var nested in Graphs(graph))
                    {
                        var analysis = FlagValueAnalysis.Create(nested, symbols, CancellationToken.None);
                        foreach (var argument in nested.Blocks.SelectMany(OperationsOf).OfType<IArgumentOperation>().Where(a => symbols.IsGfp(a.Value.Type)))
                        {
                            var value = analysis.GetValue(argument.Value);
                            Assert.True((value.Must & ~mustBound) == 0, $"must 0x{value.Must:X} at {argument.Syntax.GetLocation().GetLineSpan()} is outside the must bound 0x{mustBound:X}");
                            checkedMusts += value.Must != 0 ? 1 : 0;
                            foreach (var origin in value.Origins.Where(o => o.IsConstant))
                            {
                                Assert.True((origin.Bits & ~bound) == 0, $"{origin} at {argument.Syntax.GetLocation().GetLineSpan()} is outside the bound 0x{bound:X}");
                                checkedSources++;
                            }
                        }
                    }
                }
            }
        }

        Assert.True(checkedSources > 1000, $"only {checkedSources} constant sources checked");
        Assert.True(checkedMusts > 500, $"only {checkedMusts} values with must bits checked");
    }

    private static async Task<(uint Sources, uint Must, RuntimeSymbols Symbols)> BoundsOfMAsync(string body)
    {
        var source = TestEnvironment.Usings + "using System;\nclass C {\n"
            + "    static readonly Gfp PoolFlags = Gfp.Kernel | Gfp.NoFail;\n"
            + "    static readonly Gfp QuietFlags = Gfp.Kernel | Gfp.NoWarn;\n"
            + "    static Gfp RetryFlags => Gfp.NoFail;\n"
            + "    static Gfp RetryFlagsOf() => Gfp.NoFail;\n"
            + "    static readonly Gfp TrackerFlags = Gfp.High | Gfp.NoCodetag;\n"
            + "    void M(PageAllocator a, Gfp gfp, int kind) { " + body + " }\n}";
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(source)],
            await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.True(RuntimeSymbols.TryCreate(compilation, out var symbols));
        var tree = compilation.SyntaxTrees[0];
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "M");
        var root = compilation.GetSemanticModel(tree).GetOperation(method)!;
        return (ConstantSourceBits.Of(root, symbols), ConstantSourceBits.MustBound(root, symbols), symbols);
    }

    /// <summary>The samples, the tracker corpus, the benchmark's generated allocator code and seeded mutants of all of them.</summary>
    private static IEnumerable<string[]> SampleSources()
    {
        var inputs = new List<string[]>();
        foreach (var sample in new[] { "Tour", "EarlyPfn.V5", "Driver" })
        {
            var directory = Path.Combine(AnalyzerCatalog.RepositoryRoot(), "samples", sample);
            inputs.Add([.. Directory.GetFiles(directory, "*.cs").OrderBy(path => path, StringComparer.Ordinal).Select(File.ReadAllText)]);
        }

        inputs.Add([GfpAnalyzers.Corpus.CorpusFiles.EarlyPfnTracker]);
        inputs.Add([.. GfpAnalyzers.Benchmarks.Corpus.CorpusGenerator.Generate(12_000).Where(f => f.IsAllocatorCode).Select(f => f.Text)]);
        var files = inputs.SelectMany(input => input).ToList();
        for (var seed = 0; seed < 60; seed++)
        {
            inputs.Add([new GfpAnalyzers.Fuzzer.Mutator(seed).Mutate(files[seed % files.Count]).Source]);
        }

        return inputs;
    }

    private static IEnumerable<ControlFlowGraph> Graphs(ControlFlowGraph graph)
    {
        var pending = new Stack<ControlFlowGraph>([graph]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            yield return current;
            foreach (var local in current.LocalFunctions)
            {
                pending.Push(current.GetLocalFunctionControlFlowGraph(local));
            }

            foreach (var lambda in current.Blocks.SelectMany(OperationsOf).OfType<IFlowAnonymousFunctionOperation>())
            {
                pending.Push(current.GetAnonymousFunctionControlFlowGraph(lambda));
            }
        }
    }

    private static IEnumerable<IOperation> OperationsOf(BasicBlock block)
        => block.Operations.Concat(block.BranchValue is null ? [] : [block.BranchValue]).SelectMany(operation => operation.DescendantsAndSelf());
}
