namespace GfpAnalyzers.Runtime.Tests;

public class AllocInfoTests
{
    [Fact]
    public void Each_call_site_counts_live_bytes_and_calls()
    {
        var allocator = new PageAllocator();
        var a = allocator.AllocPages(Gfp.Kernel, 1, "mm/test.c", 42, "probe")!;
        var b = allocator.AllocPages(Gfp.Kernel, 1, "mm/test.c", 42, "probe")!;
        allocator.AllocPage(Gfp.Kernel, "mm/other.c", 7, "other");

        var tag = a.TagRef.Tag!;
        Assert.Same(tag, b.TagRef.Tag);
        Assert.Equal((16384L, 2L), (tag.Bytes, tag.Calls));

        allocator.FreePages(a, 1);
        Assert.Equal((8192L, 1L), (tag.Bytes, tag.Calls));
    }

    [Fact]
    public void One_call_site_with_several_orders_counts_each_allocation_by_its_own_size()
    {
        var allocator = new PageAllocator();
        Page Alloc(int order) => allocator.AllocPages(Gfp.Kernel, order, "mm/test.c", 42, "probe")!;
        var small = Alloc(0);
        var large = Alloc(PageAllocator.MaxPageOrder);
        var middle = Alloc(2);
        var tag = small.TagRef.Tag!;
        Assert.Equal((4096L + (4096L << PageAllocator.MaxPageOrder) + 16384L, 3L), (tag.Bytes, tag.Calls));

        allocator.FreePages(large, PageAllocator.MaxPageOrder);
        allocator.FreePage(small);
        Assert.Equal((16384L, 1L), (tag.Bytes, tag.Calls));

        allocator.FreePages(middle, 2);
        Assert.Equal((0L, 0L), (tag.Bytes, tag.Calls));
    }

    [Fact]
    public void AllocInfo_uses_the_proc_allocinfo_format()
    {
        var allocator = new PageAllocator();
        allocator.AllocPages(Gfp.Kernel, 1, "mm/test.c", 42, "probe");

        var lines = allocator.Profiling.AllocInfo().Split('\n');

        Assert.Equal("allocinfo - version: 1.0", lines[0]);
        Assert.Equal("#     <size>  <calls> <tag info>", lines[1]);
        Assert.Equal("        8192        1 mm/test.c:42 func:probe", lines[2]);
    }

    [Fact]
    public void Top_lines_are_ordered_by_live_bytes_and_skip_sites_with_nothing_live()
    {
        var allocator = new PageAllocator();
        allocator.AllocPages(Gfp.Kernel, 0, "a.c", 1, "small");
        allocator.AllocPages(Gfp.Kernel, 3, "b.c", 2, "big");
        allocator.FreePage(allocator.AllocPage(Gfp.Kernel, "c.c", 3, "gone")!);

        Assert.Equal(
            ["       32768        1 b.c:2 func:big", "        4096        1 a.c:1 func:small"],
            allocator.Profiling.TopAllocInfo(5));
    }

    [Fact]
    public void Caller_file_paths_are_shown_relative_to_the_source_tree()
    {
        var allocator = new PageAllocator();
        var page = allocator.AllocPage(Gfp.Kernel)!;

        Assert.StartsWith("tests/GfpAnalyzers.Runtime.Tests/Profiling/AllocInfoTests.cs:", page.TagRef.Tag!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/home/me/repo/src/Kernel/Slab.cs", "src/Kernel/Slab.cs")]
    [InlineData(@"C:\work\repo\samples\Boot\Program.cs", "samples/Boot/Program.cs")]
    [InlineData("/elsewhere/Thing.cs", "Thing.cs")]
    [InlineData(@"D:\elsewhere\Thing.cs", "Thing.cs")]
    [InlineData("mm/slub.c", "mm/slub.c")]
    public void Display_files_are_relative_to_the_source_tree(string file, string shown)
    {
        var allocator = new PageAllocator();
        Assert.Equal(shown, allocator.AllocPage(Gfp.Kernel, file, 1, "f")!.TagRef.Tag!.DisplayFile);
    }
}
