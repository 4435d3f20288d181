namespace GfpAnalyzers.Runtime.Tests;

public class GfpSemanticsTests
{
    [Theory]
    [InlineData(Gfp.Kernel, true)]
    [InlineData(Gfp.NoIo, true)]
    [InlineData(Gfp.Atomic, false)]
    [InlineData(Gfp.NoWait, false)]
    [InlineData(Gfp.High | Gfp.NoCodetag, false)]
    [InlineData(Gfp.TransHugeLight, false)]
    public void AllowsBlocking_is_gfpflags_allow_blocking(Gfp gfp, bool blocks) => Assert.Equal(blocks, gfp.AllowsBlocking());

    [Theory]
    [InlineData(Gfp.Dma | Gfp.Dma32)]
    [InlineData(Gfp.Dma | Gfp.HighMem)]
    [InlineData(Gfp.Dma32 | Gfp.HighMem | Gfp.Movable)]
    public void Contradicting_zone_modifiers_have_no_zone(Gfp gfp)
    {
        Assert.False(gfp.TryGetZone(out _));
        Assert.Throws<ArgumentException>(() => gfp.Zone());
    }

    [Theory]
    [InlineData(Gfp.HighMem, ZoneType.Normal)]
    [InlineData(Gfp.Dma | Gfp.Movable, ZoneType.Dma)]
    [InlineData(Gfp.Dma32 | Gfp.Movable, ZoneType.Dma32)]
    public void Zone_follows_gfp_zone(Gfp gfp, ZoneType zone) => Assert.Equal(zone, gfp.Zone());
}
