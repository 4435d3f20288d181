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

    // Live allocations by order: one atomic per allocation and per free (bytes follow from the order), where a
    // byte count and a call count took two each, the larger share of what profiling adds to an allocation.
    private readonly long[] _liveByOrder = new long[PageAllocator.MaxPageOrder + 1];

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
    public long Bytes
    {
        get
        {
            long bytes = 0;
            for (var order = 0; order < _liveByOrder.Length; order++)
            {
                bytes += Interlocked.Read(ref _liveByOrder[order]) * ((long)PageAllocator.PageSize << order);
            }

            return bytes;
        }
    }

    /// <summary>Live allocations made at this call site.</summary>
    public long Calls
    {
        get
        {
            long calls = 0;
            for (var order = 0; order < _liveByOrder.Length; order++)
            {
                calls += Interlocked.Read(ref _liveByOrder[order]);
            }

            return calls;
        }
    }

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

    /// <summary>An allocation of <c>2^order</c> pages made here.</summary>
    internal void Add(int order) => Interlocked.Increment(ref _liveByOrder[order]);

    /// <summary>An allocation of <c>2^order</c> pages made here was freed.</summary>
    internal void Sub(int order) => Interlocked.Decrement(ref _liveByOrder[order]);

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
