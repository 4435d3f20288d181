namespace GfpAnalyzers.Runtime;

/// <summary>Builds the nodes and zones from <see cref="AllocatorOptions"/> and sets the zones' watermarks.</summary>
internal static class MemoryLayout
{
    public static NumaNode[] Build(AllocatorOptions options, sbyte[] freeOrder)
    {
        var perNode = options.TotalPages / options.Nodes;
        var nodes = new NumaNode[options.Nodes];
        for (var id = 0; id < options.Nodes; id++)
        {
            var start = id * perNode;
            var end = id == options.Nodes - 1 ? options.TotalPages : start + perNode;
            var movableStart = end - options.MovablePagesPerNode;
            var zones = new List<Zone>();
            AddZone(zones, ZoneType.Dma, id, start, Math.Min(options.DmaEndPfn, movableStart), freeOrder);
            AddZone(zones, ZoneType.Dma32, id, Math.Max(start, options.DmaEndPfn), Math.Min(options.Dma32EndPfn, movableStart), freeOrder);
            AddZone(zones, ZoneType.Normal, id, Math.Max(start, options.Dma32EndPfn), movableStart, freeOrder);
            AddZone(zones, ZoneType.Movable, id, movableStart, end, freeOrder);
            nodes[id] = new NumaNode(id, start, end, zones);
        }

        SetWatermarks(nodes.SelectMany(n => n.Zones).ToArray(), options);
        return nodes;
    }

    /// <summary>__setup_per_zone_wmarks(): min shared by size (small fixed reserve for ZONE_MOVABLE), then low and high.</summary>
    private static void SetWatermarks(Zone[] zones, AllocatorOptions options)
    {
        var lowmem = zones.Where(z => z.Type != ZoneType.Movable).Sum(z => z.ManagedPages);
        var minFree = options.MinFreePages ?? DefaultMinFreePages(lowmem);
        foreach (var zone in zones)
        {
            var min = zone.Type == ZoneType.Movable
                ? Math.Clamp(zone.ManagedPages / 1024, Math.Min(32, zone.ManagedPages), 128)
                : lowmem == 0 ? 0 : minFree * zone.ManagedPages / lowmem;
            var delta = Math.Max(min / 4, zone.ManagedPages * options.WatermarkScaleFactor / 10000);
            zone.MinWatermark = min;
            zone.LowWatermark = min + delta;
            zone.HighWatermark = min + (2 * delta);
        }
    }

    /// <summary>calculate_min_free_kbytes(): sqrt(lowmem_kbytes * 16), clamped to 128 KiB…256 MiB, in pages.</summary>
    private static long DefaultMinFreePages(long lowmemPages)
    {
        var kbytes = (long)Math.Sqrt(lowmemPages * (PageAllocator.PageSize / 1024) * 16.0);
        return Math.Clamp(kbytes, 128, 262144) / (PageAllocator.PageSize / 1024);
    }

    private static void AddZone(List<Zone> zones, ZoneType type, int node, long start, long end, sbyte[] freeOrder)
    {
        if (end > start)
        {
            zones.Add(new Zone(type, node, start, end, freeOrder));
        }
    }
}
