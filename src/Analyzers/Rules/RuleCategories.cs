namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>Diagnostic categories.</summary>
internal static class RuleCategories
{
    public const string AtomicContext = "AtomicContext";
    public const string Codetag = "Codetag";
    public const string GfpFlags = "GfpFlags";
    public const string Rcu = "Rcu";
}
