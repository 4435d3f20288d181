using System.Text;

namespace GfpAnalyzers.Benchmarks.Corpus;

/// <summary>
/// The shape that makes path-sensitive analyses blow up: one method with <c>n</c> independent bools, each guarding
/// its own read lock, an allocation whose flags follow the same bool, and the matching unlock. The code is correct
/// (every lock is released, no allocation sleeps under a lock), but a solver that keeps one state per combination of
/// bools sees 2^n paths.
/// </summary>
internal static class CorrelatedLocks
{
    public static string Source(int n)
    {
        var text = new StringBuilder();
        text.Append("""
            using GfpAnalyzers.Runtime;

            namespace Generated.BlowUp;

            public sealed class Correlated(PageAllocator allocator, Rcu rcu, Func<int, bool> decide)
            {
                public int Run()
                {
                    var got = 0;

            """);
        for (var i = 0; i < n; i++)
        {
            text.Append($$"""
                        var locked{{i}} = decide({{i}});
                        if (locked{{i}})
                        {
                            rcu.ReadLock();
                        }

                        var page{{i}} = allocator.AllocPage(locked{{i}} ? Gfp.High : Gfp.Kernel);
                        if (page{{i}} is not null)
                        {
                            got++;
                            allocator.FreePage(page{{i}});
                        }

                        if (locked{{i}})
                        {
                            rcu.ReadUnlock();
                        }

                """);
        }

        text.Append("""
                    return got;
                }
            }

            """);
        return text.ToString();
    }
}
