using System.Text;

namespace GfpAnalyzers.Benchmarks.Corpus;

/// <summary>
/// GFP004's worst ordinary shape: one method that allocates <c>n</c> NoCodetag pages one after another, each published
/// with a compare-and-swap and, on a lost race, cleared and freed (the early-PFN tracker's idiom, unrolled). The code
/// is correct; an obligation analysis that keeps every earlier page's state in every later state costs O(n²).
/// </summary>
internal static class ManyNoCodetagPages
{
    public static string Source(int n)
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
        for (var i = 0; i < n; i++)
        {
            text.Append($$"""
                        var page{{i}} = allocator.AllocPage(Gfp.High | Gfp.NoCodetag);
                        if (page{{i}} is not null)
                        {
                            if (Interlocked.CompareExchange(ref _slots[{{i % 8}}], page{{i}}, null) != null)
                            {
                                allocator.ClearPageTagRef(page{{i}});
                                allocator.FreePage(page{{i}});
                            }
                            else
                            {
                                published++;
                            }
                        }

                """);
        }

        text.Append("""
                    return published;
                }
            }

            """);
        return text.ToString();
    }
}
