using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// A <c>struct pfn_pool</c> laid out in the bytes of the page it lives in:
/// <c>next</c> (8 bytes: the next pool's direct-map address, 0 for none) at offset 0, an atomic slot
/// <c>count</c> (4 bytes) at offset 8, 4 bytes of padding, then <see cref="Capacity"/> PFNs (8 bytes each)
/// from offset 16 to the end of the page. <c>count</c> may run past the capacity when writers race for the
/// last slots; only the first <see cref="Capacity"/> are ever written.
/// </summary>
public readonly struct PfnPool
{
    /// <summary>Offset of <c>next</c>.</summary>
    public const int NextOffset = 0;

    /// <summary>Offset of <c>count</c>.</summary>
    public const int CountOffset = 8;

    /// <summary>Offset of <c>pfns[]</c>.</summary>
    public const int PfnsOffset = 16;

    /// <summary>PFNs that fit in one page: (4096 - 16) / 8 = 510.</summary>
    public const int Capacity = (PageAllocator.PageSize - PfnsOffset) / sizeof(ulong);

    private readonly byte[] _bytes;

    /// <summary>Views <paramref name="page"/>'s memory as a pool (it does not initialise it).</summary>
    public PfnPool(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        Page = page;
        _bytes = page.Backing;
    }

    /// <summary>The page the pool lives in.</summary>
    public Page Page { get; }

    /// <summary><c>next</c>: the direct-map address of the next (older) pool, 0 for the last.</summary>
    public ulong NextAddress => ReadNextAddress(_bytes);

    /// <summary>Filled slots (the raw count, capped at <see cref="Capacity"/>).</summary>
    public int Count => Math.Min(Volatile.Read(ref Field<int>(CountOffset)), Capacity);

    /// <summary>The PFN in slot <paramref name="index"/>.</summary>
    public ulong this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Volatile.Read(ref Field<ulong>(PfnsOffset + (index * sizeof(ulong))));
        }
    }

    /// <summary>Writes an empty pool header whose <c>next</c> is <paramref name="nextAddress"/> into a page's memory.</summary>
    /// <remarks>
    /// It takes the bytes, not the page, so that the page visibly stays with its allocator until it is published
    /// (GFP004 then still checks that a page which loses the race is cleared before it is freed).
    /// </remarks>
    internal static void Init(Span<byte> memory, ulong nextAddress)
    {
        BinaryPrimitives.WriteInt32LittleEndian(memory[CountOffset..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(memory[NextOffset..], nextAddress);
    }

    /// <summary>
    /// Reads <c>next</c> from a pool page's memory. It is written before the pool is published (by a full-fence
    /// compare-and-swap) and never changes afterwards, so a plain read is enough.
    /// </summary>
    internal static ulong ReadNextAddress(ReadOnlySpan<byte> memory) => BinaryPrimitives.ReadUInt64LittleEndian(memory[NextOffset..]);

    /// <summary>Claims a slot with an atomic increment of <c>count</c> and stores the PFN; false when the pool is full.</summary>
    internal bool TryAdd(ulong pfn) => TryAdd(_bytes, pfn);

    /// <summary><see cref="Add"/> as a yes/no: whether the PFN found a slot.</summary>
    /// <exception cref="ArgumentException"><paramref name="memory"/> is smaller than a page.</exception>
    internal static bool TryAdd(byte[] memory, ulong pfn) => Add(memory, pfn) >= 0;

    /// <summary>
    /// Claims a slot of the pool in a page's memory with an atomic increment of <c>count</c> and stores the PFN
    /// there; returns the slot, or -1 when the pool is full.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="memory"/> is smaller than a page.</exception>
    internal static int Add(byte[] memory, ulong pfn)
    {
        if (memory.Length < PageAllocator.PageSize)
        {
            ThrowNotAPage(memory.Length);
        }

        return AddToPage(memory, pfn);
    }

    /// <summary>
    /// <see cref="Add"/> on memory known to be a whole page (a <see cref="Page"/>'s own bytes): the recording hook's
    /// hot path. It skips every bounds check, which the slot test makes redundant (count and every slot below
    /// <see cref="Capacity"/> lie inside a page).
    /// </summary>
    internal static int AddToPage(byte[] pageMemory, ulong pfn)
    {
        Debug.Assert(pageMemory.Length >= PageAllocator.PageSize, "a pfn_pool lives in a whole page");
        ref var start = ref MemoryMarshal.GetArrayDataReference(pageMemory);
        var slot = Interlocked.Increment(ref Unsafe.As<byte, int>(ref Unsafe.Add(ref start, CountOffset))) - 1;
        // Unsigned: a count that ever wrapped around (writers racing past a full pool forever) is full too.
        if ((uint)slot >= Capacity)
        {
            return -1;
        }

        // Indexed as ulongs with a native-sized index: one scaled store, no 32-bit offset arithmetic and sign extension
        // (which cost the hot path about 0.8 ns a PFN).
        Volatile.Write(ref Unsafe.Add(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref start, PfnsOffset)), (nint)(uint)slot), pfn);
        return slot;
    }

    // Apart, so that building the message does not weigh on the hot path it is inlined into.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotAPage(int length)
        => throw new ArgumentException($"A pfn_pool lives in a whole page ({PageAllocator.PageSize} bytes), not in {length}.", "memory");

    private ref T Field<T>(int offset) where T : unmanaged
        => ref Unsafe.As<byte, T>(ref _bytes[offset]);
}
