using System.Text;

namespace GfpAnalyzers.Benchmarks.Corpus;

/// <summary>
/// GFP004's worst ordinary shape: one method that allocates <c>n</c> NoCodetag pages one after another, each published
/// with a compare-and-swap and, on a lost race, cleared and freed (the early-PFN tracker's idiom, unrolled). The code
/// is correct; an obligation analysis that keeps every earlier page's state in every later state costs O(n²).
/// </summary>
internal static class ManyNoCodetagPages
{
    /// <summary>Every free right after the clear of its page: GFP004's pre-check proves the method clean without its dataflow.</summary>
    public static string Source(int n) => Generate(n, clearApart: false);

    /// <summary>
    /// The clear a statement before the free (the lost race is counted in between): the pre-check cannot see that the
    /// page is still cleared when it is freed, so GFP004's obligation dataflow runs over the whole method.
    /// </summary>
    public static string SourceWithClearApart(int n) => Generate(n, clearApart: true);

    private static string Generate(int n, bool clearApart)
    {
        var text = new StringBuilder();
        text.Append("""
            using System.Threading;
            using GfpAnalyzers.Runtime;

            namespace Generated.BlowUp;

            public sealed class ManyPages(PageAllocator allocator)
            {
                private readonly Page?[] _slots = new Page?[8];

                public int Run()
                {
                    var published = 0;

            """);
        // The old shape stays as it was (its figures are quoted in docs/benchmarks.md); the new one counts lost races.
        text.Append(clearApart ? "        var lost = 0;\n\n" : "");
        var between = clearApart ? "lost++;\n" + new string(' ', 16) : "";
        for (var i = 0; i < n; i++)
        {
            text.Append($$"""
                        var page{{i}} = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                        if (page{{i}} is not null)
                        {
                            if (Interlocked.CompareExchange(ref _slots[{{i % 8}}], page{{i}}, null) != null)
                            {
                                allocator.ClearPageTagRef(page{{i}});
                                {{between}}allocator.FreePage(page{{i}});
                            }
                            else
                            {
                                published++;
                            }
                        }

                """);
        }

        text.Append($$"""
                    return published{{(clearApart ? " - lost" : "")}};
                }
            }

            """);
        return text.ToString();
    }
}
