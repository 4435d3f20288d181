namespace GfpAnalyzers.Runtime;

/// <summary>
/// The zonelists (<c>node_zonelists</c>), built once: for each preferred node, highest usable zone and
/// <c>__GFP_THISNODE</c> or not, the preferred node's zones from the highest allowed down, then (without
/// <c>__GFP_THISNODE</c>) the other nodes' in the same way, by distance. Nodes and zones never change after the
/// allocator is built, so every allocation reads a list instead of building one.
/// </summary>
internal sealed class Zonelists
{
    private const int ZoneTypes = (int)ZoneType.Movable + 1;

    private readonly Zone[][] _lists;

    public Zonelists(IReadOnlyList<NumaNode> nodes)
    {
        _lists = new Zone[nodes.Count * ZoneTypes * 2][];
        for (var node = 0; node < nodes.Count; node++)
        {
            for (var highest = ZoneType.Dma; highest <= ZoneType.Movable; highest++)
            {
                _lists[Index(node, highest, thisNode: false)] = Build(nodes, node, highest, nodes.Count);
                _lists[Index(node, highest, thisNode: true)] = Build(nodes, node, highest, 1);
            }
        }
    }

    /// <summary>The zonelist for an allocation preferring <paramref name="node"/> (a valid node id) up to <paramref name="highest"/>.</summary>
    public Zone[] Get(int node, ZoneType highest, bool thisNode) => _lists[Index(node, highest, thisNode)];

    private static int Index(int node, ZoneType highest, bool thisNode) => (((node * ZoneTypes) + (int)highest) * 2) + (thisNode ? 1 : 0);

    private static Zone[] Build(IReadOnlyList<NumaNode> nodes, int preferred, ZoneType highest, int nodeCount)
    {
        var zones = new List<Zone>();
        for (var i = 0; i < nodeCount; i++)
        {
            var node = nodes[(preferred + i) % nodes.Count];
            for (var z = node.Zones.Count - 1; z >= 0; z--)
            {
                if (node.Zones[z].Type <= highest)
                {
                    zones.Add(node.Zones[z]);
                }
            }
        }

        return zones.ToArray();
    }
}
