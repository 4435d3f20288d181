using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Symbols;

/// <summary>
/// The values of the <c>Gfp</c> enum members, read from the referenced runtime assembly rather than
/// hard-coded, so the analyzers reason about the same bits the runtime allocator does.
/// </summary>
internal sealed class GfpBits
{
    private readonly ImmutableDictionary<string, uint> _valuesByName;

    private GfpBits(ImmutableDictionary<string, uint> valuesByName, ImmutableArray<(string Name, uint Value)> singleBits)
    {
        _valuesByName = valuesByName;
        SingleBits = singleBits;
        DirectReclaim = ValueOf("DirectReclaim");
        KswapdReclaim = ValueOf("KswapdReclaim");
        NoFail = ValueOf("NoFail");
        ThisNode = ValueOf("ThisNode");
        ZoneMask = ValueOf("ZoneMask");
        NoCodetag = ValueOf("NoCodetag");
        High = ValueOf("High");
        NoWarn = ValueOf("NoWarn");
    }

    public uint DirectReclaim { get; }
    public uint KswapdReclaim { get; }
    public uint NoFail { get; }
    public uint ThisNode { get; }
    public uint ZoneMask { get; }
    public uint NoCodetag { get; }
    public uint High { get; }
    public uint NoWarn { get; }

    /// <summary>Members that are exactly one bit, in ascending bit order (first declared name wins for aliases).</summary>
    public ImmutableArray<(string Name, uint Value)> SingleBits { get; }

    /// <summary>The value of the member called <paramref name="name"/>, or 0 when the runtime has no such member.</summary>
    public uint ValueOf(string name) => _valuesByName.TryGetValue(name, out var value) ? value : 0;

    /// <summary>All members by name (composites included).</summary>
    public ImmutableDictionary<string, uint> ValuesByName => _valuesByName;

    public static GfpBits FromEnum(INamedTypeSymbol gfpEnum)
    {
        var byName = ImmutableDictionary.CreateBuilder<string, uint>();
        var singles = new List<(string Name, uint Value)>();
        var seenBits = new HashSet<uint>();
        foreach (var member in gfpEnum.GetMembers())
        {
            if (member is not IFieldSymbol { HasConstantValue: true } field)
            {
                continue;
            }

            var value = System.Convert.ToUInt32(field.ConstantValue, System.Globalization.CultureInfo.InvariantCulture);
            byName[field.Name] = value;
            if (value != 0 && (value & (value - 1)) == 0 && seenBits.Add(value))
            {
                singles.Add((field.Name, value));
            }
        }

        singles.Sort((a, b) => a.Value.CompareTo(b.Value));
        return new GfpBits(byName.ToImmutable(), singles.ToImmutableArray());
    }
}
