namespace GfpAnalyzers.Analyzers.Relevance;

/// <summary>
/// A name as the relevance gate compares it: a 64-bit FNV-1a hash of its characters. Two names that collide are
/// treated as one, which can only let a type through that needed not be, never keep one out that matters.
/// </summary>
internal static class NameHash
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Of(string name)
    {
        var hash = OffsetBasis;
        foreach (var c in name)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    public static ulong Of(char[] text, int start, int length)
    {
        var hash = OffsetBasis;
        for (var i = start; i < start + length; i++)
        {
            hash = (hash ^ text[i]) * Prime;
        }

        return hash;
    }
}
