using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// GFP masks as text, the way Linux prints them with <c>%pGg</c> (<c>GFP_KERNEL|__GFP_ZERO</c>), and back.
/// </summary>
public static class GfpFormat
{
    // Linux's __def_gfpflag_names (include/trace/events/mmflags.h), in its order: composites first, so the
    // longest name that fits wins, then single bits. Bits without a name are printed in hex.
    private static readonly (Gfp Mask, string Name)[] s_names =
    [
        (Gfp.TransHuge, "GFP_TRANSHUGE"),
        (Gfp.TransHugeLight, "GFP_TRANSHUGE_LIGHT"),
        (Gfp.HighUserMovable, "GFP_HIGHUSER_MOVABLE"),
        (Gfp.HighUser, "GFP_HIGHUSER"),
        (Gfp.User, "GFP_USER"),
        (Gfp.KernelAccount, "GFP_KERNEL_ACCOUNT"),
        (Gfp.Kernel, "GFP_KERNEL"),
        (Gfp.NoFs, "GFP_NOFS"),
        (Gfp.Atomic, "GFP_ATOMIC"),
        (Gfp.NoIo, "GFP_NOIO"),
        (Gfp.NoWait, "GFP_NOWAIT"),
        (Gfp.Dma, "GFP_DMA"),
        (Gfp.HighMem, "__GFP_HIGHMEM"),
        (Gfp.Dma32, "GFP_DMA32"),
        (Gfp.High, "__GFP_HIGH"),
        (Gfp.Io, "__GFP_IO"),
        (Gfp.Fs, "__GFP_FS"),
        (Gfp.NoWarn, "__GFP_NOWARN"),
        (Gfp.RetryMayFail, "__GFP_RETRY_MAYFAIL"),
        (Gfp.NoFail, "__GFP_NOFAIL"),
        (Gfp.NoRetry, "__GFP_NORETRY"),
        (Gfp.Comp, "__GFP_COMP"),
        (Gfp.Zero, "__GFP_ZERO"),
        (Gfp.NoMemAlloc, "__GFP_NOMEMALLOC"),
        (Gfp.MemAlloc, "__GFP_MEMALLOC"),
        (Gfp.HardWall, "__GFP_HARDWALL"),
        (Gfp.ThisNode, "__GFP_THISNODE"),
        (Gfp.Reclaimable, "__GFP_RECLAIMABLE"),
        (Gfp.Movable, "__GFP_MOVABLE"),
        (Gfp.Account, "__GFP_ACCOUNT"),
        (Gfp.Write, "__GFP_WRITE"),
        (Gfp.Reclaim, "__GFP_RECLAIM"),
        (Gfp.DirectReclaim, "__GFP_DIRECT_RECLAIM"),
        (Gfp.KswapdReclaim, "__GFP_KSWAPD_RECLAIM"),
        (Gfp.ZeroTags, "__GFP_ZEROTAGS"),
        (Gfp.SkipZero, "__GFP_SKIP_ZERO"),
        (Gfp.SkipKasan, "__GFP_SKIP_KASAN"),
        (Gfp.NoLockdep, "__GFP_NOLOCKDEP"),
        (Gfp.NoObjExt, "__GFP_NO_OBJ_EXT"),
    ];

    // Names the parser accepts besides the printed ones (Linux spells some bits two ways).
    private static readonly (Gfp Mask, string Name)[] s_aliases =
    [
        (Gfp.Dma, "__GFP_DMA"),
        (Gfp.Dma32, "__GFP_DMA32"),
        (Gfp.NoCodetag, "__GFP_NO_CODETAG"),
        (Gfp.None, "GFP_NONE"),
    ];

    /// <summary>Formats <paramref name="gfp"/> as Linux's <c>%pGg</c> does; an empty mask is the empty string.</summary>
    public static string Format(Gfp gfp)
    {
        var rest = (uint)gfp;
        var text = new StringBuilder();
        foreach (var (mask, name) in s_names)
        {
            if ((rest & (uint)mask) == (uint)mask)
            {
                Append(text, name);
                rest &= ~(uint)mask;
            }
        }

        if (rest != 0)
        {
            Append(text, "0x" + rest.ToString("x", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Formats the mask the way Linux's <c>warn_alloc</c> does: <c>0xcc0(GFP_KERNEL)</c>.</summary>
    public static string FormatMode(Gfp gfp)
        => "0x" + ((uint)gfp).ToString("x", CultureInfo.InvariantCulture) + "(" + Format(gfp) + ")";

    /// <summary>
    /// Parses <c>%pGg</c> text: names joined by <c>|</c> (<c>GFP_*</c> composites, <c>__GFP_*</c> bits,
    /// hexadecimal <c>0x…</c> numbers). The empty string, <c>0</c> and <c>GFP_NONE</c> are the empty mask.
    /// </summary>
    /// <exception cref="FormatException">A part is not a GFP name or a hex number; the message says which.</exception>
    public static Gfp Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var gfp, out var error) ? gfp : throw new FormatException(error);
    }

    /// <summary>Parses <c>%pGg</c> text without throwing.</summary>
    public static bool TryParse(string? text, out Gfp gfp) => TryParse(text, out gfp, out _);

    /// <summary>Parses <c>%pGg</c> text without throwing; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out Gfp gfp, [NotNullWhen(false)] out string? error)
    {
        gfp = Gfp.None;
        if (text is null)
        {
            error = "GFP text is null.";
            return false;
        }

        if (text.Trim().Length == 0)
        {
            error = null;
            return true;
        }

        var parts = text.Split('|');
        var result = 0u;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (!TryParsePart(part, out var bits))
            {
                error = part.Length == 0
                    ? $"Empty GFP flag name at position {i + 1} of \"{text}\" (two '|' in a row, or one at an end)."
                    : $"Unknown GFP flag \"{part}\" at position {i + 1} of \"{text}\": expected a GFP_* or __GFP_* name or a 0x number.";
                return false;
            }

            result |= bits;
        }

        gfp = (Gfp)result;
        error = null;
        return true;
    }

    private static bool TryParsePart(string part, out uint bits)
    {
        bits = 0;
        if (part == "0")
        {
            return true;
        }

        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return part.Length > 2
                && uint.TryParse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bits);
        }

        foreach (var (mask, name) in s_names.Concat(s_aliases))
        {
            if (string.Equals(part, name, StringComparison.Ordinal))
            {
                bits = (uint)mask;
                return true;
            }
        }

        return false;
    }

    private static void Append(StringBuilder text, string part)
    {
        if (text.Length > 0)
        {
            text.Append('|');
        }

        text.Append(part);
    }
}
