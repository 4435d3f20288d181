using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using GfpAnalyzers.Corpus;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// One voice: every rule's messages name the same thing the same way. Runs every analyzer the package ships on the
/// tour (every rule once), the tracker corpus and a set of hooks and sections declared every way the rules know
/// (methods, lambdas, installed hooks), and checks the invariants below on every message actually produced.
/// </summary>
public class MessageVoiceTests
{
    /// <summary>Hooks and sections declared every way the rules know, each with a mistake in it.</summary>
    private const string Shapes = TestEnvironment.Usings + """
        namespace Shapes;

        sealed class Shapes
        {
            private readonly PageAllocator a = new();
            private readonly Rcu rcu = new();

            [AllocationHook]
            void MethodHook(ulong pfn, Gfp gfp) => a.AllocPage(Gfp.High);

            [AllocationHook]
            void MethodHookInherits(ulong pfn, Gfp gfp) => a.AllocPage(gfp & ~Gfp.DirectReclaim);

            void InstalledMethodHook(ulong pfn, Gfp gfp) => a.AllocPage(Gfp.Kernel | Gfp.NoCodetag);

            public void Install()
            {
                a.SetEarlyAllocHook(InstalledMethodHook);
                a.SetEarlyAllocHook((pfn, gfp) => a.AllocPage(Gfp.High));
                a.SetEarlyAllocHook((pfn, gfp) => a.AllocPage(Gfp.Atomic | Gfp.NoCodetag));
            }

            public System.Action<ulong, Gfp> AttributedLambda() => [AllocationHook] (ulong pfn, Gfp gfp) => a.AllocPage(gfp | Gfp.NoCodetag);

            public System.Func<Gfp, Page?> HeldLambda() => [RcuReadLockHeld] (Gfp gfp) => a.AllocPage(gfp);

            [RcuReadLockHeld]
            Page? HeldMethod() => a.AllocPage(Gfp.Kernel);

            public Page? Section(Gfp gfp)
            {
                rcu.ReadLock();
                var page = a.AllocPage(gfp | Gfp.Atomic);
                rcu.Synchronize();
                rcu.ReadUnlock();
                rcu.ReadUnlock();
                return page;
            }
        }
        """;

    private static readonly Lazy<Task<ImmutableArray<Diagnostic>>> Diagnostics = new(async () =>
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var tour = File.ReadAllText(Path.Combine(AnalyzerCatalog.RepositoryRoot(), "samples", "Tour", "Tour.cs"));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "Voice",
            [
                CSharpSyntaxTree.ParseText(tour, parse, path: "Tour.cs"),
                CSharpSyntaxTree.ParseText(CorpusFiles.EarlyPfnTracker, parse, path: "Corpus.cs"),
                CSharpSyntaxTree.ParseText(Shapes, parse, path: "Shapes.cs"),
            ],
            framework.Add(TestEnvironment.RuntimeReference),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The message corpus does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));
        var all = await compilation.WithAnalyzers(AnalyzerCatalog.CreateAll().ToImmutableArray()).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return all.Where(d => d.Id.StartsWith("GFP", StringComparison.Ordinal)).OrderBy(d => d.Id, StringComparer.Ordinal).ToImmutableArray();
    });

    /// <summary>The only ways a message names the context code runs in: AtomicContext.Describe()'s phrases.</summary>
    private static readonly Regex[] ContextPhrases =
    [
        new(@"in allocation hook '[A-Za-z_]\w*'", RegexOptions.CultureInvariant),
        new(@"in the allocation hook lambda at line \d+", RegexOptions.CultureInvariant),
        new(@"in method '[A-Za-z_]\w*' marked \[RcuReadLockHeld\]", RegexOptions.CultureInvariant),
        new(@"in the lambda at line \d+ marked \[RcuReadLockHeld\]", RegexOptions.CultureInvariant),
        new(@"inside the RCU read-side section entered at line \d+", RegexOptions.CultureInvariant),
        new(@"inside an RCU read-side section", RegexOptions.CultureInvariant),
    ];

    /// <summary>Words that introduce a name; the name that follows is always in single quotes.</summary>
    private static readonly Regex UnquotedName = new(@"\b(?:parameter|field|property|local|method|hook|Page) (?!lambda\b)(?=[A-Za-z_])", RegexOptions.CultureInvariant);

    [Fact]
    public async Task The_corpus_produces_a_message_of_every_rule_so_the_invariants_check_them_all()
    {
        var produced = (await Diagnostics.Value).Select(d => d.Id).ToHashSet();
        var missing = AnalyzerCatalog.AllDescriptors().Select(d => d.Id).Where(id => !produced.Contains(id)).ToArray();
        Assert.True(missing.Length == 0, "No message of " + string.Join(", ", missing) + " in the corpus: add a case to Shapes");
    }

    [Fact]
    public async Task Messages_are_one_sentence_without_a_closing_period_or_stray_spaces()
    {
        await AssertEveryMessageAsync(message =>
            message.EndsWith('.') ? "ends with a period"
            : message.Trim() != message ? "has leading or trailing spaces"
            : message.Contains("  ", StringComparison.Ordinal) ? "has a double space"
            : Regex.IsMatch(message, @" [:,;]") ? "has a space before punctuation"
            : !(char.IsUpper(message[0]) || message[0] == '\'') ? "starts neither with a capital nor with a quoted name"
            : null);
    }

    [Fact]
    public async Task Every_context_is_named_with_the_atomic_context_phrase()
    {
        // "allocation hook 'lambda at line 68'" and "the allocation hook lambda at line 68" once named one thing two ways.
        await AssertEveryMessageAsync(message =>
        {
            var rest = ContextPhrases.Aggregate(message, (text, phrase) => phrase.Replace(text, "<context>"));
            return rest.Contains("allocation hook", StringComparison.Ordinal) ? "names an allocation hook in its own words"
                : rest.Contains("[RcuReadLockHeld]", StringComparison.Ordinal) ? "names a [RcuReadLockHeld] method in its own words"
                : rest.Contains("read-side section", StringComparison.Ordinal) ? "names an RCU read-side section in its own words"
                : message.Contains("'lambda", StringComparison.Ordinal) ? "quotes 'lambda' as if it were a name"
                : null;
        });
    }

    [Fact]
    public async Task Names_are_quoted_and_flags_are_spelled_as_Gfp_members()
    {
        await AssertEveryMessageAsync(message =>
            UnquotedName.IsMatch(message) ? $"names something without quotes ('{UnquotedName.Match(message).Value.Trim()} ...')"
            : Regex.IsMatch(message, @"\b__GFP_|\bGFP_[A-Z]") ? "spells a flag the Linux way; the code writes Gfp members"
            : null);
    }

    [Fact]
    public async Task One_flags_argument_gets_one_finding_from_the_flag_context_rules()
    {
        string[] flagContextRules = ["GFP001", "GFP002", "GFP003", "GFP007"];
        var repeated = (await Diagnostics.Value)
            .Where(d => flagContextRules.Contains(d.Id))
            .GroupBy(d => d.Location.GetLineSpan().ToString())
            .Where(group => group.Count() > 1)
            .Select(group => group.Key + ": " + string.Join(" + ", group.Select(d => d.Id)))
            .ToArray();
        Assert.True(repeated.Length == 0, "Two findings for one argument:\n" + string.Join("\n", repeated));
    }

    [Fact]
    public void Titles_and_message_formats_follow_the_same_rules()
    {
        var problems = new List<string>();
        foreach (var descriptor in AnalyzerCatalog.AllDescriptors())
        {
            var title = descriptor.Title.ToString(CultureInfo.InvariantCulture);
            var format = descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture);
            if (title.EndsWith('.') || format.EndsWith('.'))
            {
                problems.Add($"{descriptor.Id}: title or message format ends with a period");
            }

            if (!char.IsUpper(title[0]))
            {
                problems.Add($"{descriptor.Id}: title does not start with a capital");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task AssertEveryMessageAsync(Func<string, string?> problemOf)
    {
        var diagnostics = await Diagnostics.Value;
        Assert.NotEmpty(diagnostics);
        var problems = diagnostics
            .Select(d => (Diagnostic: d, Message: d.GetMessage(CultureInfo.InvariantCulture)))
            .Select(m => (m.Diagnostic, m.Message, Problem: problemOf(m.Message)))
            .Where(m => m.Problem is not null)
            .Select(m => $"{m.Diagnostic.Id} ({m.Problem}): {m.Message}")
            .ToArray();
        Assert.True(problems.Length == 0, "Messages out of voice:\n" + string.Join("\n", problems));
    }
}
