using System.Text.RegularExpressions;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>One diagnostic a case expects at markup location #i: the message arguments.</summary>
/// <param name="Origin">May name a line by marker: <c>{line:A}</c> is the line holding <c>/*A*/</c>.</param>
public sealed record GFP004Expected(string Page, string Origin, string Freer, string Path);

/// <summary>
/// A GFP004 test program. Every program has <c>Program.Run(PageAllocator allocator, ...)</c> whose bool and int
/// parameters select the path, so the same program serves the analyzer test and the proof against the runtime
/// (tests/GfpAnalyzers.Tests/RuntimeAgreement). Frees the analyzer must flag carry <c>{|#i:...|}</c> markup,
/// and each flagged free is a whole statement so the runtime test can watch it.
/// </summary>
public sealed record GFP004Case(string Name, string Body, params GFP004Expected[] Expected)
{
    public const string Prelude = "#nullable enable\nusing System;\nusing System.Threading;\nusing GfpAnalyzers.Runtime;\n";

    private static readonly Regex Markup = new(@"\{\|#\d+:|\|\}", RegexOptions.CultureInvariant);

    /// <summary>The source with markup, as the analyzer test reads it.</summary>
    public string MarkedSource => Prelude + Body;

    /// <summary>The source as a compiler reads it.</summary>
    public string PlainSource => Markup.Replace(MarkedSource, string.Empty);

    /// <summary>An expected argument with <c>{line:X}</c> replaced by the line of the <c>/*X*/</c> marker.</summary>
    public string ResolveLines(string text)
        => Regex.Replace(text, @"\{line:(\w+)\}", match =>
        {
            var lines = PlainSource.Split('\n');
            var index = Array.FindIndex(lines, line => line.Contains("/*" + match.Groups[1].Value + "*/", StringComparison.Ordinal));
            if (index < 0)
            {
                throw new InvalidOperationException($"{Name}: no /*{match.Groups[1].Value}*/ marker");
            }

            return (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        });

    public override string ToString() => Name;
}
