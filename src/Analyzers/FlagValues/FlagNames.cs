// Names of flag bits for messages and diagnostic properties.
//
//   FlagNames.Of(bits, symbols.Bits)   -> ["ZoneMask", "KswapdReclaim", "NoFail"]  (ascending bits; the four
//                                          zone modifiers collapse to ZoneMask when all are present)
//   FlagNames.JoinWithAnd(names)       -> "ZoneMask, KswapdReclaim and NoFail"
//   FlagNames.JoinSources(origins)     -> "Gfp.Kernel and const 'Flags'"
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using GfpAnalyzers.Analyzers.Symbols;

namespace GfpAnalyzers.Analyzers.FlagValues;

internal static class FlagNames
{
    /// <summary>The names of the single-bit members in <paramref name="bits"/>, in ascending bit order.</summary>
    public static ImmutableArray<string> Of(uint bits, GfpBits gfpBits)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        var zoneMask = gfpBits.ZoneMask;
        var collapseZones = zoneMask != 0 && (bits & zoneMask) == zoneMask;
        foreach (var (name, value) in gfpBits.SingleBits)
        {
            if ((bits & value) == 0)
            {
                continue;
            }

            if (collapseZones && (value & zoneMask) != 0)
            {
                if ((value & zoneMask) == LowestBit(zoneMask))
                {
                    names.Add("ZoneMask");
                }

                continue;
            }

            names.Add(name);
        }

        return names.ToImmutable();
    }

    /// <summary>"A", "A and B", "A, B and C".</summary>
    public static string JoinWithAnd(IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return string.Empty;
        }

        if (items.Count == 1)
        {
            return items[0];
        }

        var head = new string[items.Count - 1];
        for (var i = 0; i < head.Length; i++)
        {
            head[i] = items[i];
        }

        return string.Join(", ", head) + " and " + items[items.Count - 1];
    }

    /// <summary>The descriptions of <paramref name="origins"/> joined for a message.</summary>
    public static string JoinSources(ImmutableArray<FlagOrigin> origins)
    {
        var descriptions = new List<string>(origins.Length);
        foreach (var origin in origins)
        {
            descriptions.Add(origin.Description);
        }

        return JoinWithAnd(descriptions);
    }

    /// <summary>Bits as a hexadecimal property value: <c>0x400</c>.</summary>
    public static string Hex(uint bits) => "0x" + bits.ToString("X", CultureInfo.InvariantCulture);

    private static uint LowestBit(uint bits) => bits & (~bits + 1);
}
