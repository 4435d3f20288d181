using System.Globalization;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// An allocation call site's codetag (<c>struct alloc_tag</c>): where the allocation is made and how much
/// memory allocated there is live, as <c>/proc/allocinfo</c> shows it.
/// </summary>
public sealed class AllocTag
{
    /// <summary>CODETAG_EMPTY: the reference was cleared on purpose; freeing such a page is not checked.</summary>
    internal static readonly AllocTag Empty = new("<empty>", 0, "<empty>", -1);

    private long _bytes;
    private long _calls;

    internal AllocTag(string file, int line, string function, int index)
    {
        File = file;
        Line = line;
        Function = function;
        Index = index;
    }

    /// <summary>The source file of the call site, as the compiler passed it.</summary>
    public string File { get; }

    /// <summary>The line of the call site.</summary>
    public int Line { get; }

    /// <summary>The function that contains the call site.</summary>
    public string Function { get; }

    /// <summary>Live bytes allocated at this call site.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Live allocations made at this call site.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Registration order, which is also the compressed index (offset by the two reserved values).</summary>
    internal int Index { get; }

    /// <summary>
    /// The file as allocinfo shows it: relative to the source tree (from <c>src/</c>, <c>tests/</c> or
    /// <c>samples/</c> on), as Linux prints <c>mm/page_alloc.c</c>.
    /// </summary>
    public string DisplayFile => ShortenPath(File);

    /// <summary>This tag's <c>/proc/allocinfo</c> line: <c>%12lli %8llu file:line func:function</c>.</summary>
    public string ToAllocInfoLine()
        => string.Create(CultureInfo.InvariantCulture, $"{Bytes,12} {Calls,8} {DisplayFile}:{Line} func:{Function}");

    /// <inheritdoc/>
    public override string ToString() => $"{DisplayFile}:{Line} func:{Function}";

    internal void Add(long bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _calls);
    }

    internal void Sub(long bytes)
    {
        Interlocked.Add(ref _bytes, -bytes);
        Interlocked.Decrement(ref _calls);
    }

    internal static string ShortenPath(string file)
    {
        var normalized = file.Replace('\\', '/');
        foreach (var root in new[] { "/src/", "/tests/", "/samples/" })
        {
            var at = normalized.LastIndexOf(root, StringComparison.Ordinal);
            if (at >= 0)
            {
                return normalized[(at + 1)..];
            }
        }

        // A path outside the source tree: its file name; a relative one (mm/slub.c) as it is.
        var rooted = normalized.StartsWith('/') || (normalized.Length > 2 && normalized[1] == ':');
        return rooted ? normalized[(normalized.LastIndexOf('/') + 1)..] : normalized;
    }
}
