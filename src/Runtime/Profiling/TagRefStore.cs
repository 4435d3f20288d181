namespace GfpAnalyzers.Runtime;

/// <summary>Where the pages' tag references live: page_ext, or page flags in compressed mode.</summary>
internal abstract class TagRefStore
{
    /// <summary>The reference of <paramref name="pfn"/>: null (not set), <see cref="AllocTag.Empty"/> or a tag.</summary>
    public abstract AllocTag? Read(ulong pfn);

    /// <summary>Atomically replaces the reference when it still is <paramref name="expected"/>.</summary>
    public abstract bool TryReplace(ulong pfn, AllocTag? expected, AllocTag? value);

    /// <summary>Whether the store can hold a reference to <paramref name="tag"/>.</summary>
    public abstract bool CanHold(AllocTag tag);

    public AllocTag? Exchange(ulong pfn, AllocTag? value)
    {
        while (true)
        {
            var old = Read(pfn);
            if (TryReplace(pfn, old, value))
            {
                return old;
            }
        }
    }
}

/// <summary>page_ext: one reference per page frame, all "not set" when page_ext is initialised.</summary>
internal sealed class PageExtTagStore(long pages) : TagRefStore
{
    private readonly AllocTag?[] _refs = new AllocTag?[pages];

    public override AllocTag? Read(ulong pfn) => Volatile.Read(ref _refs[pfn]);

    public override bool TryReplace(ulong pfn, AllocTag? expected, AllocTag? value)
        => ReferenceEquals(Interlocked.CompareExchange(ref _refs[pfn], value, expected), expected);

    public override bool CanHold(AllocTag tag) => true;
}

/// <summary>
/// Compressed mode: a small index per page in spare page-flag bits. 0 is "not set", 1 is CODETAG_EMPTY,
/// tag <c>i</c> is <c>i + 2</c>; tags whose index does not fit cannot be referenced.
/// </summary>
internal sealed class PageFlagsTagStore(long pages, int indexBits, Func<int, AllocTag> tagAt) : TagRefStore
{
    private const ushort NotSet = 0;
    private const ushort EmptyIndex = 1;
    private const int FirstTag = 2;

    private readonly ushort[] _indices = new ushort[pages];
    private readonly int _maxIndex = (1 << indexBits) - 1;

    public override AllocTag? Read(ulong pfn) => Decode(Volatile.Read(ref _indices[pfn]));

    public override bool TryReplace(ulong pfn, AllocTag? expected, AllocTag? value)
    {
        var expectedIndex = Encode(expected);
        return Interlocked.CompareExchange(ref _indices[pfn], Encode(value), expectedIndex) == expectedIndex;
    }

    public override bool CanHold(AllocTag tag) => tag.Index + FirstTag <= _maxIndex;

    private static ushort Encode(AllocTag? tag)
        => tag is null ? NotSet : ReferenceEquals(tag, AllocTag.Empty) ? EmptyIndex : (ushort)(tag.Index + FirstTag);

    private AllocTag? Decode(ushort index)
        => index switch
        {
            NotSet => null,
            EmptyIndex => AllocTag.Empty,
            _ => tagAt(index - FirstTag),
        };
}
