using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Verifiers;

/// <summary>
/// A project's <c>.editorconfig</c> options for <c>*.cs</c> (<c>gfp_analyzers.GFP002.scope = all</c>), handed both to
/// the testing library (as an analyzer config file) and to a plain <c>CompilationWithAnalyzers</c>, so a test checks
/// the fix and the fixed code under the same effective configuration.
/// </summary>
public sealed class EditorConfig
{
    private readonly ImmutableArray<(string Key, string Value)> _options;

    private EditorConfig(ImmutableArray<(string Key, string Value)> options) => _options = options;

    /// <summary>No .editorconfig: every option at its default.</summary>
    public static EditorConfig None { get; } = new(ImmutableArray<(string, string)>.Empty);

    public static EditorConfig With(params (string Key, string Value)[] options) => new(options.ToImmutableArray());

    /// <summary><c>gfp_analyzers.GFP002.scope = <paramref name="scope"/></c>.</summary>
    public static EditorConfig Gfp002Scope(string scope) => With(("gfp_analyzers.GFP002.scope", scope));

    public void AddTo(SolutionState state)
    {
        if (ToEditorConfigText() is { } text)
        {
            state.AnalyzerConfigFiles.Add(("/.editorconfig", text));
        }
    }

    /// <summary>The <c>.editorconfig</c> file's text, or null when there are no options.</summary>
    public string? ToEditorConfigText()
        => _options.IsEmpty ? null : "root = true\n[*.cs]\n" + string.Concat(_options.Select(o => $"{o.Key} = {o.Value}\n"));

    public AnalyzerOptions ToAnalyzerOptions() => new(ImmutableArray<AdditionalText>.Empty, new Provider(new Options(_options)));

    public override string ToString() => _options.IsEmpty ? "defaults" : string.Join(", ", _options.Select(o => $"{o.Key} = {o.Value}"));

    private sealed class Provider(AnalyzerConfigOptions options) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => options;
    }

    private sealed class Options(ImmutableArray<(string Key, string Value)> options) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value)
        {
            foreach (var (k, v) in options)
            {
                if (KeyComparer.Equals(k, key))
                {
                    value = v;
                    return true;
                }
            }

            value = null;
            return false;
        }
    }
}
