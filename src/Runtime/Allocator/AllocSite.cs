namespace GfpAnalyzers.Runtime;

/// <summary>An allocation's call site, as the codetag macros capture it.</summary>
internal readonly record struct AllocSite(string File, int Line, string Function)
{
    public override string ToString() => $"{AllocTag.ShortenPath(File)}:{Line} ({Function})";
}
