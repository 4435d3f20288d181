using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using GfpAnalyzers.Runtime;
using GfpAnalyzers.Tests.Meta;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GfpAnalyzers.Tests.RuntimeAgreement;

/// <summary>What one run of a program on one input made the runtime say.</summary>
/// <param name="Input">The arguments after the allocator, for failure messages.</param>
/// <param name="Reports">"BUG:"/"WARNING:" reports in the kernel log, plus every free that hit "alloc_tag was not set".</param>
/// <param name="ReportsInProbes">How many of those happened while a watched call was running.</param>
/// <param name="SitesThatReported">Indexes of the watched calls during which some report happened.</param>
/// <param name="Log">The kernel log, for failure messages.</param>
internal sealed record ProgramRun(string Input, long Reports, long ReportsInProbes, IReadOnlySet<int> SitesThatReported, IReadOnlyList<string> Log);

/// <summary>
/// Compiles a program (<c>public static class Program</c> with <c>Run(PageAllocator allocator, ...)</c>) against the
/// real runtime, runs every analyzer of the package on it, and runs it on every combination of its bool and int inputs,
/// each time on a fresh thread (the preempt count and RCU nesting are per thread) with a fresh post-boot
/// <see cref="PageAllocator"/>. Watched calls are wrapped in probes that attribute the runtime's reports to them.
/// </summary>
internal static class ProgramHarness
{
    /// <summary>Values tried for an int parameter: enough for every loop and switch of the programs.</summary>
    private static readonly int[] IntInputs = [0, 1, 2, 3];

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    /// <summary>Reports are counted the same way in the probes (inside the program) and after the run (here).</summary>
    private const string ProbeSource = """
        public static class GfpProbe
        {
            private static readonly System.Collections.Generic.Stack<long> Starts = new();
            public static GfpAnalyzers.Runtime.PageAllocator? Allocator;
            public static long Attributed;
            public static System.Collections.Generic.HashSet<int> Reported = new();

            public static void Reset(GfpAnalyzers.Runtime.PageAllocator allocator)
            {
                Allocator = allocator;
                Attributed = 0;
                Reported = new();
                Starts.Clear();
            }

            public static long Reports()
            {
                long count = Allocator!.Profiling.TagNotSetCount;
                foreach (var message in Allocator.Log.Messages)
                {
                    if ((message.Contains("BUG:") || message.Contains("WARNING:")) && !message.Contains("alloc_tag was not set")) count++;
                }
                return count;
            }

            public static void Enter() => Starts.Push(Reports());

            public static void Exit(int site)
            {
                var delta = Reports() - Starts.Pop();
                if (delta > 0) Reported.Add(site);
                if (Starts.Count == 0) Attributed += delta;
            }

            public static long Before() { Enter(); return 0; }

            public static T After<T>(int site, long before, T value) { Exit(site); return value; }
        }
        """;

    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> LazyReferences = new(async () =>
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return framework.Add(TestEnvironment.RuntimeReference);
    });

    public static Task<ImmutableArray<MetadataReference>> References => LazyReferences.Value;

    public static SyntaxTree ParseProgram(string source, string path = "/0/Program.cs") => CSharpSyntaxTree.ParseText(source, Parse, path);

    public static async Task<CSharpCompilation> CompileAsync(string name, params SyntaxTree[] trees)
        => CSharpCompilation.Create(
            "Program_" + new string(name.Where(char.IsLetterOrDigit).ToArray()),
            trees,
            await References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>Every GFP diagnostic of every analyzer of the package, in source order; the program must compile, no analyzer may crash.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string name, string source, EditorConfig config)
    {
        var compilation = await CompileAsync(name, ParseProgram(source));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, $"{name}: does not compile:\n{string.Join("\n", errors.Select(e => e.ToString()))}\n{source}");
        var diagnostics = await compilation.WithAnalyzers(AnalyzerCatalog.CreateAll().ToImmutableArray(), config.ToAnalyzerOptions())
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics.Where(d => d.Id.StartsWith("GFP", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>Runs <paramref name="source"/> on every input; the calls at <paramref name="watched"/> spans are probed, in that order.</summary>
    public static async Task<IReadOnlyList<ProgramRun>> RunEveryInputAsync(string name, string source, IReadOnlyList<TextSpan> watched)
    {
        var probed = await WithProbesAsync(name, source, watched);
        var compilation = await CompileAsync(name + "Probed", ParseProgram(probed), ParseProgram(ProbeSource, "/0/Probe.cs"));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, $"{name}: probed program does not compile:\n{string.Join("\n", emitted.Diagnostics)}\n{probed}");

        var context = new AssemblyLoadContext(name, isCollectible: true);
        try
        {
            image.Position = 0;
            var assembly = context.LoadFromStream(image);
            var run = assembly.GetType("Program")?.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)
                      ?? throw new InvalidOperationException($"{name}: no public static Program.Run");
            var probe = assembly.GetType("GfpProbe")!;
            return Inputs(name, run.GetParameters()).Select(input => RunOnce(run, probe, input)).ToList();
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>One input, on a thread of its own: whatever a program leaves behind (a held lock, interrupts off) dies with it.</summary>
    private static ProgramRun RunOnce(MethodInfo run, Type probe, object[] input)
    {
        var allocator = new PageAllocator();
        probe.GetMethod("Reset")!.Invoke(null, [allocator]);
        var thread = new Thread(() =>
        {
            try
            {
                run.Invoke(null, [allocator, .. input]);
            }
            catch (TargetInvocationException)
            {
                // A program may end in an exception the runtime throws for misuse; what it logged so far counts.
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(1)), $"{run.DeclaringType?.Assembly.GetName().Name}: Run did not return");

        var reports = (long)probe.GetMethod("Reports")!.Invoke(null, null)!;
        return new ProgramRun(
            string.Join(", ", run.GetParameters().Skip(1).Zip(input, (parameter, value) => $"{parameter.Name}: {value}")),
            reports,
            (long)probe.GetField("Attributed")!.GetValue(null)!,
            ((HashSet<int>)probe.GetField("Reported")!.GetValue(null)!).ToHashSet(),
            allocator.Log.Messages);
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

    /// <summary>
    /// Wraps each watched call: a statement becomes <c>{ GfpProbe.Enter(); try { stmt } finally { GfpProbe.Exit(i); } }</c>,
    /// a void lambda body gets a block holding the same, a call whose value is used becomes
    /// <c>GfpProbe.After(i, GfpProbe.Before(), call)</c> (arguments run left to right).
    /// The call watched for a diagnostic on an allocation's flags is the allocation itself.
    /// </summary>
    private static async Task<string> WithProbesAsync(string name, string source, IReadOnlyList<TextSpan> watched)
    {
        var tree = ParseProgram(source);
        var model = (await CompileAsync(name, tree)).GetSemanticModel(tree);
        var root = tree.GetRoot();
        var changes = new List<TextChange>();
        for (var site = 0; site < watched.Count; site++)
        {
            var node = root.FindNode(watched[site], getInnermostNodeForTie: true);
            var call = node.AncestorsAndSelf().FirstOrDefault(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax && n.Span.Contains(watched[site]))
                ?? throw new InvalidOperationException($"{name}: no call at {watched[site]}");
            var isVoid = model.GetTypeInfo(call).Type?.SpecialType == SpecialType.System_Void;
            if (call.Parent is ExpressionStatementSyntax statement)
            {
                changes.Add(new TextChange(statement.Span, $"{{ GfpProbe.Enter(); try {{ {statement} }} finally {{ GfpProbe.Exit({site}); }} }}"));
            }
            else if (isVoid && call.Parent is LambdaExpressionSyntax lambda && lambda.ExpressionBody == call)
            {
                // `() => Handler()`: the lambda gets a block body.
                changes.Add(new TextChange(call.Span, $"{{ GfpProbe.Enter(); try {{ {call}; }} finally {{ GfpProbe.Exit({site}); }} }}"));
            }
            else
            {
                Assert.True(!isVoid, $"{name}: a watched void call must be a statement or a lambda's body: {call}");
                changes.Add(new TextChange(call.Span, $"GfpProbe.After({site}, GfpProbe.Before(), {call})"));
            }
        }

        Assert.True(changes.Select(c => c.Span).Distinct().Count() == changes.Count && !changes.Any(a => changes.Any(b => a.Span != b.Span && a.Span.OverlapsWith(b.Span))),
            $"{name}: watched calls must not nest");
        return SourceText.From(source).WithChanges(changes).ToString();
    }
}
