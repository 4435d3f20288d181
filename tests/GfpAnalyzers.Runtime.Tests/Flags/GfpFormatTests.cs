namespace GfpAnalyzers.Runtime.Tests;

public class GfpFormatTests
{
    [Theory]
    [InlineData(Gfp.Kernel, "GFP_KERNEL")]
    [InlineData(Gfp.Kernel | Gfp.Zero, "GFP_KERNEL|__GFP_ZERO")]
    [InlineData(Gfp.KernelAccount, "GFP_KERNEL_ACCOUNT")]
    [InlineData(Gfp.Atomic, "GFP_ATOMIC")]
    [InlineData(Gfp.Atomic | Gfp.NoWarn, "GFP_ATOMIC|__GFP_NOWARN")]
    [InlineData(Gfp.NoWait, "GFP_NOWAIT")]
    [InlineData(Gfp.NoFs, "GFP_NOFS")]
    [InlineData(Gfp.NoIo, "GFP_NOIO")]
    [InlineData(Gfp.HighUserMovable, "GFP_HIGHUSER_MOVABLE")]
    [InlineData(Gfp.TransHuge, "GFP_TRANSHUGE")]
    [InlineData(Gfp.DirectReclaim, "__GFP_DIRECT_RECLAIM")]
    [InlineData(Gfp.High | Gfp.NoCodetag, "__GFP_HIGH|__GFP_NO_OBJ_EXT")]
    [InlineData(Gfp.Kernel | Gfp.ThisNode | Gfp.NoFail, "GFP_KERNEL|__GFP_NOFAIL|__GFP_THISNODE")]
    [InlineData((Gfp)0x200, "0x200")]
    [InlineData(Gfp.Kernel | (Gfp)0x200, "GFP_KERNEL|0x200")]
    [InlineData(Gfp.None, "")]
    public void Formats_like_linux_pGg(Gfp gfp, string expected)
    {
        Assert.Equal(expected, GfpFormat.Format(gfp));
        Assert.Equal(expected, gfp.ToLinuxString());
    }

    [Fact]
    public void FormatMode_is_warn_alloc_style() => Assert.Equal("0xcc0(GFP_KERNEL)", GfpFormat.FormatMode(Gfp.Kernel));

    [Fact]
    public void Every_bit_and_composite_round_trips()
    {
        var masks = Enum.GetValues<Gfp>().Concat(Enumerable.Range(0, 32).Select(b => (Gfp)(1u << b)));
        foreach (var gfp in masks)
        {
            Assert.Equal(gfp, GfpFormat.Parse(GfpFormat.Format(gfp)));
        }

        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var gfp = (Gfp)(uint)random.NextInt64(0, 1L << 32);
            Assert.Equal(gfp, GfpFormat.Parse(GfpFormat.Format(gfp)));
        }
    }

    [Theory]
    [InlineData(" GFP_KERNEL | __GFP_ZERO ", Gfp.Kernel | Gfp.Zero)]
    [InlineData("__GFP_HIGH|__GFP_NO_CODETAG", Gfp.High | Gfp.NoCodetag)]
    [InlineData("__GFP_DMA32", Gfp.Dma32)]
    [InlineData("GFP_KERNEL|0x200", Gfp.Kernel | (Gfp)0x200)]
    [InlineData("0", Gfp.None)]
    [InlineData("", Gfp.None)]
    public void Parses_names_aliases_and_hex(string text, Gfp expected) => Assert.Equal(expected, GfpFormat.Parse(text));

    [Theory]
    [InlineData("GFP_KERNAL", "Unknown GFP flag \"GFP_KERNAL\" at position 1")]
    [InlineData("GFP_KERNEL||__GFP_ZERO", "Empty GFP flag name at position 2")]
    [InlineData("GFP_KERNEL|0xZZ", "Unknown GFP flag \"0xZZ\" at position 2")]
    [InlineData("gfp_kernel", "Unknown GFP flag \"gfp_kernel\"")]
    [InlineData("0x1ffffffff", "Unknown GFP flag \"0x1ffffffff\"")]
    public void Bad_text_is_a_clear_FormatException_and_TryParse_is_false(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => GfpFormat.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(GfpFormat.TryParse(text, out var gfp));
        Assert.Equal(Gfp.None, gfp);
    }

    [Fact]
    public void TryParse_of_null_is_false() => Assert.False(GfpFormat.TryParse(null, out _));
}
