namespace GfpAnalyzers.Runtime.Tests;

public class NumaAndZoneTests
{
    private static PageAllocator FourZones() => new(new AllocatorOptions
    {
        TotalPages = 4096,
        DmaEndPfn = 256,
        Dma32EndPfn = 1024,
        MovablePagesPerNode = 1024,
        MinFreePages = 32,
    });

    [Fact]
    public void Zones_are_laid_out_by_pfn()
    {
        var zones = FourZones().Zones;

        Assert.Equal(
            [(ZoneType.Dma, 0L, 256L), (ZoneType.Dma32, 256L, 1024L), (ZoneType.Normal, 1024L, 3072L), (ZoneType.Movable, 3072L, 4096L)],
            zones.Select(z => (z.Type, z.StartPfn, z.EndPfn)));
    }

    [Theory]
    [InlineData(Gfp.Dma, ZoneType.Dma)]
    [InlineData(Gfp.Dma32, ZoneType.Dma32)]
    [InlineData(Gfp.Kernel, ZoneType.Normal)]
    [InlineData(Gfp.Kernel | Gfp.Movable, ZoneType.Normal)]
    [InlineData(Gfp.HighUserMovable, ZoneType.Movable)]
    public void The_mask_selects_the_highest_zone_and_the_allocator_starts_there(Gfp gfp, ZoneType zone)
    {
        Assert.Equal(zone, gfp.Zone());
        Assert.Equal(zone, FourZones().AllocPage(gfp)!.Zone);
    }

    [Fact]
    public void Allocations_fall_back_to_lower_zones_but_never_up_to_Movable()
    {
        var allocator = FourZones();
        var pages = Models.Drain(allocator, Gfp.Kernel);

        Assert.DoesNotContain(pages, p => p.Zone == ZoneType.Movable);
        Assert.Contains(pages, p => p.Zone == ZoneType.Dma32);
        Assert.Contains(pages, p => p.Zone == ZoneType.Dma);
        Assert.NotNull(allocator.AllocPage(Gfp.HighUserMovable));
    }

    [Fact]
    public void A_node_request_is_served_locally_and_falls_back_to_other_nodes()
    {
        var allocator = Models.Normal(1024, nodes: 2);
        Assert.Equal(1, allocator.AllocPagesNode(1, Gfp.Kernel, 0)!.Node);

        Models.Drain(allocator, Gfp.Atomic | Gfp.MemAlloc | Gfp.ThisNode, node: 1);

        Assert.Equal(0, allocator.AllocPagesNode(1, Gfp.Kernel, 0)!.Node);
    }

    [Fact]
    public void ThisNode_fails_instead_of_falling_back()
    {
        var allocator = Models.Normal(1024, nodes: 2);
        Models.Drain(allocator, Gfp.Atomic | Gfp.MemAlloc | Gfp.ThisNode, node: 1);

        Assert.Null(allocator.AllocPagesNode(1, Gfp.Kernel | Gfp.ThisNode, 0));

        Assert.True(allocator.Log.Contains("page allocation failure: order:0, mode:0x200cc0(GFP_KERNEL|__GFP_THISNODE)"));
        Assert.Equal(1024, allocator.Nodes[0].Zones.Single().FreePages);
    }
}
