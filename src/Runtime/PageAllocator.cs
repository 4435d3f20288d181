using System.Runtime.CompilerServices;

namespace GfpAnalyzers.Runtime;

/// <summary>The buddy page allocator of the model. (Skeleton: the runtime issue fills this in.)</summary>
public sealed class PageAllocator
{
    /// <summary>Creates a default-sized allocator.</summary>
    public PageAllocator() { }

    /// <summary>alloc_page(): one page, or null on failure.</summary>
    public Page? AllocPage(Gfp gfp,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
        => AllocPages(gfp, 0, file, line, function);

    /// <summary>alloc_pages(): 2^order contiguous pages, or null on failure.</summary>
    public Page? AllocPages(Gfp gfp, int order,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0, [CallerMemberName] string function = "")
        => throw new NotImplementedException();

    /// <summary>__free_page().</summary>
    public void FreePage(Page page) => FreePages(page, 0);

    /// <summary>__free_pages().</summary>
    public void FreePages(Page page, int order) => throw new NotImplementedException();

    /// <summary>clear_page_tag_ref(): marks the page's tag reference as deliberately empty (CODETAG_EMPTY).</summary>
    public void ClearPageTagRef(Page page) => throw new NotImplementedException();

    /// <summary>pfn_to_page().</summary>
    public Page PfnToPage(ulong pfn) => throw new NotImplementedException();

    /// <summary>pfn_valid().</summary>
    public bool PfnValid(ulong pfn) => throw new NotImplementedException();
}
