using System.Collections.Concurrent;
using System.Text;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// Memory allocation profiling (CONFIG_MEM_ALLOC_PROFILING) of one page allocator: per-call-site tags,
/// each page's tag reference, the "alloc_tag was not set" debug check and the <c>/proc/allocinfo</c> report.
/// </summary>
public sealed class AllocProfiling
{
    /// <summary>The debug check Linux runs when a page whose reference was never set is freed.</summary>
    public const string TagNotSetMessage = "alloc_tag was not set";

    private readonly ConcurrentDictionary<(string File, int Line, string Function), AllocTag> _tags = new();
    private readonly List<AllocTag> _byIndex = [];
    private readonly object _registerGate = new();
    private readonly CallSiteTagCache _recentSites = new();
    private readonly long _pages;
    private readonly KernelLog _log;
    private TagRefStore? _store;
    private long _tagNotSet;

    internal AllocProfiling(ProfilingOptions options, long pages, KernelLog log)
    {
        if (options.Compressed && options.CompressedIndexBits is < 2 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CompressedIndexBits, "CompressedIndexBits must be between 2 and 16.");
        }

        Options = options;
        _pages = pages;
        _log = log;
        if (options.Compressed)
        {
            _store = new PageFlagsTagStore(pages, options.CompressedIndexBits, TagAt);
        }
        else if (options.PageExtInitialized)
        {
            _store = new PageExtTagStore(pages);
        }

        PageExtReady = options.PageExtInitialized;
    }

    /// <summary>The configuration.</summary>
    public ProfilingOptions Options { get; }

    /// <summary>Allocations are accounted.</summary>
    public bool Enabled => Options.Enabled;

    /// <summary>Whether page_ext_init() has run.</summary>
    public bool PageExtReady { get; private set; }

    /// <summary>Whether pages have a place for their tag reference right now (page_ext, or page flags when compressed).</summary>
    public bool HasTagRefs => Volatile.Read(ref _store) is not null;

    /// <summary>How many frees hit "alloc_tag was not set" (the log prints only the first: WARN_ONCE).</summary>
    public long TagNotSetCount => Interlocked.Read(ref _tagNotSet);

    /// <summary>Every call-site tag registered so far.</summary>
    public IReadOnlyCollection<AllocTag> Tags
    {
        get
        {
            lock (_registerGate)
            {
                return _byIndex.ToArray();
            }
        }
    }

    /// <summary>
    /// page_ext_init(): from now on every page has a tag reference, initially "not set". In compressed mode the
    /// references already live in page flags and this only records that page_ext exists.
    /// </summary>
    /// <exception cref="InvalidOperationException">page_ext is already initialised.</exception>
    public void InitPageExt()
    {
        if (PageExtReady)
        {
            throw new InvalidOperationException("page_ext is already initialised.");
        }

        if (!Options.Compressed)
        {
            Volatile.Write(ref _store, new PageExtTagStore(_pages));
        }

        PageExtReady = true;
    }

    /// <summary>The whole <c>/proc/allocinfo</c> text: the header, then one line per tag.</summary>
    public string AllocInfo()
    {
        var text = new StringBuilder("allocinfo - version: 1.0\n#     <size>  <calls> <tag info>\n");
        foreach (var tag in Tags)
        {
            text.Append(tag.ToAllocInfoLine()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The <paramref name="count"/> allocinfo lines with the most live bytes (ties: most calls, then site).</summary>
    public IReadOnlyList<string> TopAllocInfo(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Tags.Where(t => t.Calls > 0)
            .OrderByDescending(t => t.Bytes).ThenByDescending(t => t.Calls).ThenBy(t => t.ToString(), StringComparer.Ordinal)
            .Take(count).Select(t => t.ToAllocInfoLine()).ToArray();
    }

    /// <summary>The tag of a call site, registered on first use.</summary>
    internal AllocTag TagFor(string file, int line, string function)
    {
        if (_recentSites.Find(file, line, function) is { } cached)
        {
            return cached;
        }

        if (!_tags.TryGetValue((file, line, function), out var tag))
        {
            lock (_registerGate)
            {
                tag = _tags.GetOrAdd((file, line, function), key =>
                {
                    var created = new AllocTag(key.File, key.Line, key.Function, _byIndex.Count);
                    _byIndex.Add(created);
                    return created;
                });
            }
        }

        _recentSites.Remember(file, line, function, tag);
        return tag;
    }

    internal CodetagRef Read(ulong pfn)
    {
        var store = Volatile.Read(ref _store);
        return !Enabled || store is null ? new CodetagRef(CodetagRefState.Unavailable, null) : CodetagRef.From(store.Read(pfn));
    }

    /// <summary>
    /// pgalloc_tag_add(): sets the page's reference to the call site's tag. False when pages have no reference
    /// yet; the allocator then calls the early-allocation hook instead.
    /// </summary>
    internal bool TryTag(ulong pfn, int order, AllocTag tag)
    {
        var store = Volatile.Read(ref _store);
        if (store is null)
        {
            return false;
        }

        if (!store.CanHold(tag))
        {
            // The call site is not accounted, and its pages must not warn when freed.
            _log.WarnOnce(
                "alloc-tag-compressed-overflow",
                $"WARNING: alloc_tag: {Options.CompressedIndexBits} page-flag bits cannot hold the index of tag {tag}; its allocations are not accounted");
            store.Exchange(pfn, AllocTag.Empty);
            return true;
        }

        var old = store.Exchange(pfn, tag);
        if (Options.DebugChecks && old is not null && !ReferenceEquals(old, AllocTag.Empty))
        {
            _log.WarnOnce("alloc-tag-not-cleared", $"WARNING: alloc_tag was not cleared (got tag for {old.DisplayFile}:{old.Line})");
        }

        tag.Add(order);
        return true;
    }

    /// <summary>pgalloc_tag_sub(): accounts the free to the page's tag and resets the reference; runs the debug check.</summary>
    internal void Untag(ulong pfn, int order)
    {
        var store = Volatile.Read(ref _store);
        if (store is null)
        {
            return;
        }

        var old = store.Exchange(pfn, null);
        if (old is null)
        {
            if (Options.DebugChecks)
            {
                Interlocked.Increment(ref _tagNotSet);
                _log.WarnOnce(TagNotSetMessage, $"WARNING: {TagNotSetMessage} (pfn 0x{pfn:x}, order {order})");
            }
        }
        else if (!ReferenceEquals(old, AllocTag.Empty))
        {
            old.Sub(order);
        }
    }

    /// <summary>clear_page_tag_ref(): the reference becomes CODETAG_EMPTY (a tag it held is not uncharged, as in Linux).</summary>
    internal void Clear(ulong pfn) => Volatile.Read(ref _store)?.Exchange(pfn, AllocTag.Empty);

    /// <summary>Sets CODETAG_EMPTY only where the reference was never set, keeping tags set meanwhile.</summary>
    internal bool ClearIfNotSet(ulong pfn) => Volatile.Read(ref _store)?.TryReplace(pfn, null, AllocTag.Empty) ?? false;

    private AllocTag TagAt(int index)
    {
        lock (_registerGate)
        {
            return _byIndex[index];
        }
    }
}
