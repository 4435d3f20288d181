using System.Buffers.Binary;

namespace GfpAnalyzers.Runtime.Tests;

/// <summary>The slot claim on a pool page's bytes (the recording hook's hot path, which skips bounds checks).</summary>
public class PfnPoolSlotTests
{
    [Fact]
    public void Slots_are_claimed_in_order_until_the_page_is_full()
    {
        var memory = new byte[PageAllocator.PageSize];
        PfnPool.Init(memory, nextAddress: 0);

        for (var i = 0; i < PfnPool.Capacity; i++)
        {
            Assert.True(PfnPool.TryAdd(memory, 1000 + (ulong)i));
        }

        Assert.False(PfnPool.TryAdd(memory, 9999));
        Assert.Equal(1000UL, BinaryPrimitives.ReadUInt64LittleEndian(memory.AsSpan(PfnPool.PfnsOffset)));
        Assert.Equal(1000UL + PfnPool.Capacity - 1, BinaryPrimitives.ReadUInt64LittleEndian(memory.AsSpan(PageAllocator.PageSize - sizeof(ulong))));
    }

    [Fact]
    public void A_count_that_wrapped_around_reads_as_full_and_nothing_is_written()
    {
        var memory = new byte[PageAllocator.PageSize];
        PfnPool.Init(memory, nextAddress: 0x1234);
        BinaryPrimitives.WriteInt32LittleEndian(memory.AsSpan(PfnPool.CountOffset), -1);
        var before = memory.ToArray();

        Assert.False(PfnPool.TryAdd(memory, 42));
        Assert.Equal(before.AsSpan(PfnPool.NextOffset, 8).ToArray(), memory.AsSpan(PfnPool.NextOffset, 8).ToArray());
        Assert.Equal(before.AsSpan(PfnPool.PfnsOffset).ToArray(), memory.AsSpan(PfnPool.PfnsOffset).ToArray());
    }

    [Fact]
    public void Memory_smaller_than_a_page_is_refused()
        => Assert.Throws<ArgumentException>(() => PfnPool.TryAdd(new byte[PfnPool.PfnsOffset + 8], 1));
}
