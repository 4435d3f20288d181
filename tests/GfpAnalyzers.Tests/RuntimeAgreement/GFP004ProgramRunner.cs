using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Runtime;
using GfpAnalyzers.Tests.Analyzers;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>What one run of a program on one input did.</summary>
/// <param name="Input">The arguments after the allocator, for failure messages.</param>
/// <param name="LoggedTagNotSet">The kernel log holds "alloc_tag was not set".</param>
/// <param name="Warnings">How many frees hit the check.</param>
/// <param name="WarningsAtFlaggedFrees">How many of those happened inside a statement GFP004 flagged.</param>
/// <param name="FlaggedFreesThatWarned">Indexes (in diagnostic order) of flagged statements that warned.</param>
internal sealed record GFP004Run(string Input, bool LoggedTagNotSet, long Warnings, long WarningsAtFlaggedFrees, IReadOnlySet<int> FlaggedFreesThatWarned);

/// <summary>
/// Compiles a GFP004 test program against the real runtime, runs GFP004 on it, then wraps every flagged statement in a
/// probe (so a warning can be attributed to the free the analyzer pointed at), loads the program into a collectible
/// AssemblyLoadContext and runs <c>Program.Run</c> on every combination of its bool and int inputs, each time on a fresh
/// post-boot <see cref="PageAllocator"/> (profiling and its debug checks on).
/// </summary>
internal static class GFP004ProgramRunner
{
    /// <summary>Values tried for an int parameter: enough for every loop and switch of the programs.</summary>
    private static readonly int[] IntInputs = [0, 1, 2, 3];

    private const string ProbeSource = """
        public static class GfpProbe
        {
            private static readonly System.Collections.Generic.Stack<long> Before = new();
            public static GfpAnalyzers.Runtime.PageAllocator? Allocator;
            public static long Attributed;
            public static System.Collections.Generic.HashSet<int> Warned = new();

            public static void Reset(GfpAnalyzers.Runtime.PageAllocator allocator)
            {
                Allocator = allocator;
                Attributed = 0;
                Warned = new();
                Before.Clear();
            }

            public static void Enter() => Before.Push(Allocator!.Profiling.TagNotSetCount);

            public static void Exit(int site)
            {
                var delta = Allocator!.Profiling.TagNotSetCount - Before.Pop();
                if (delta > 0) Warned.Add(site);
                if (Before.Count == 0) Attributed += delta;
            }
        }
        """;

    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return framework.Add(TestEnvironment.RuntimeReference);
    });

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(GFP004Case testCase)
    {
        var compilation = await CompileAsync(testCase.Name, [CSharpSyntaxTree.ParseText(testCase.PlainSource, Parse)]);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, $"{testCase.Name}: does not compile:\n{string.Join("\n", errors.Select(e => e.ToString()))}");
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new GFP004ClearTagBeforeFreeAnalyzer());
        var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics.Where(d => d.Id == GFP004ClearTagBeforeFreeAnalyzer.Rule.Id).OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }

    public static async Task<IReadOnlyList<GFP004Run>> RunEveryInputAsync(GFP004Case testCase, ImmutableArray<Diagnostic> flagged)
    {
        var probed = WithProbes(testCase, flagged);
        var compilation = await CompileAsync(testCase.Name + ".Probed", [CSharpSyntaxTree.ParseText(probed, Parse), CSharpSyntaxTree.ParseText(ProbeSource, Parse)]);
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, $"{testCase.Name}: probed program does not compile:\n{string.Join("\n", emitted.Diagnostics)}");

        var context = new AssemblyLoadContext(testCase.Name, isCollectible: true);
        try
        {
            image.Position = 0;
            var assembly = context.LoadFromStream(image);
            var run = assembly.GetType("Program")?.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)
                      ?? throw new InvalidOperationException($"{testCase.Name}: no public static Program.Run");
            var probe = assembly.GetType("GfpProbe")!;
            var runs = new List<GFP004Run>();
            foreach (var input in Inputs(testCase.Name, run.GetParameters()))
            {
                runs.Add(RunOnce(run, probe, input));
            }

            return runs;
        }
        finally
        {
            context.Unload();
        }
    }

    private static GFP004Run RunOnce(MethodInfo run, Type probe, object[] input)
    {
        var allocator = new PageAllocator();
        probe.GetMethod("Reset")!.Invoke(null, [allocator]);
        try
        {
            run.Invoke(null, [allocator, .. input]);
        }
        catch (TargetInvocationException)
        {
            // Programs drive their exceptional paths by throwing; the warnings so far are what counts.
        }

        var warned = (HashSet<int>)probe.GetField("Warned")!.GetValue(null)!;
        return new GFP004Run(
            string.Join(", ", run.GetParameters().Skip(1).Zip(input, (parameter, value) => $"{parameter.Name}: {value}")),
            allocator.Log.Contains(AllocProfiling.TagNotSetMessage),
            allocator.Profiling.TagNotSetCount,
            (long)probe.GetField("Attributed")!.GetValue(null)!,
            warned.ToHashSet());
    }

    /// <summary>Every combination of the inputs after the allocator: bools both ways, ints over <see cref="IntInputs"/>.</summary>
    private static IEnumerable<object[]> Inputs(string name, ParameterInfo[] parameters)
    {
        Assert.True(parameters.Length > 0 && parameters[0].ParameterType == typeof(PageAllocator), $"{name}: Run must take the PageAllocator first");
        IEnumerable<object[]> combinations = [[]];
        foreach (var parameter in parameters.Skip(1))
        {
            object[] values = parameter.ParameterType == typeof(bool) ? [false, true]
                : parameter.ParameterType == typeof(int) ? IntInputs.Cast<object>().ToArray()
                : throw new InvalidOperationException($"{name}: Run's parameter '{parameter.Name}' must be bool or int");
            combinations = combinations.SelectMany(prefix => values.Select(value => (object[])[.. prefix, value])).ToArray();
        }

        return combinations;
    }

    /// <summary>Wraps each flagged statement: <c>{ GfpProbe.Enter(); try { stmt } finally { GfpProbe.Exit(i); } }</c>.</summary>
    private static string WithProbes(GFP004Case testCase, ImmutableArray<Diagnostic> flagged)
    {
        var text = SourceText.From(testCase.PlainSource);
        var root = CSharpSyntaxTree.ParseText(text, Parse).GetRoot();
        var changes = new List<TextChange>();
        for (var site = 0; site < flagged.Length; site++)
        {
            var span = flagged[site].Location.SourceSpan;
            var statement = root.FindNode(span).AncestorsAndSelf().OfType<ExpressionStatementSyntax>().FirstOrDefault();
            Assert.True(statement is not null && statement.Expression.Span == span, $"{testCase.Name}: flagged free at {flagged[site].Location.GetLineSpan()} must be a whole statement");
            changes.Add(new TextChange(statement!.Span, $"{{ GfpProbe.Enter(); try {{ {statement} }} finally {{ GfpProbe.Exit({site}); }} }}"));
        }

        return text.WithChanges(changes).ToString();
    }

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    private static async Task<CSharpCompilation> CompileAsync(string name, SyntaxTree[] trees)
        => CSharpCompilation.Create(
            "GFP004Case_" + new string(name.Where(char.IsLetterOrDigit).ToArray()),
            trees,
            await References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
}
