using GfpAnalyzers.Runtime;

namespace GfpAnalyzers.Runtime.Tests;

public class GfpFlagTests
{
    [Theory]
    [InlineData(Gfp.Dma, 0x01u)]
    [InlineData(Gfp.High, 0x20u)]
    [InlineData(Gfp.DirectReclaim, 0x400u)]
    [InlineData(Gfp.KswapdReclaim, 0x800u)]
    [InlineData(Gfp.NoWarn, 0x2000u)]
    [InlineData(Gfp.NoFail, 0x8000u)]
    [InlineData(Gfp.ThisNode, 0x200000u)]
    [InlineData(Gfp.NoCodetag, 0x8000000u)]
    public void Bits_have_linux_values(Gfp flag, uint expected) => Assert.Equal(expected, (uint)flag);

    [Fact]
    public void Composites_follow_linux_definitions()
    {
        Assert.Equal(Gfp.High | Gfp.KswapdReclaim, Gfp.Atomic);
        Assert.Equal(Gfp.KswapdReclaim | Gfp.NoWarn, Gfp.NoWait);
        Assert.Equal(Gfp.DirectReclaim | Gfp.KswapdReclaim | Gfp.Io | Gfp.Fs, Gfp.Kernel);
        Assert.Equal(Gfp.NoObjExt, Gfp.NoCodetag);
        Assert.Equal((Gfp)0x0Fu, Gfp.ZoneMask);
    }
}
