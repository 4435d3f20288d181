using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Verifiers;

/// <summary>
/// The <c>gfp_analyzers.GFP002.scope</c> option for test compilations. Tests written for "kswapd wake-ups count in every
/// atomic context" (the strict preset) set <see cref="All"/>; the default is <c>scheduler_locks</c>.
/// </summary>
internal static class Gfp002Scope
{
    public static string EditorConfig(string scope) => $"root = true\n[*.cs]\ngfp_analyzers.GFP002.scope = {scope}\n";

    public static readonly string AllConfig = EditorConfig("all");

    /// <summary>Kswapd wake-ups count in every atomic context.</summary>
    public static void All(SolutionState state) => state.AnalyzerConfigFiles.Add(("/.editorconfig", AllConfig));
}
