using System.Runtime.CompilerServices;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// A small direct-mapped cache in front of the call-site tag dictionary, matched by the identity of the site's
/// strings. Caller-info strings are literals, so one call site passes the same string objects every time: a hit
/// costs two identity hashes and a compare, where the dictionary hashes the whole file path on every allocation.
/// A miss (another site in the slot, or equal strings that are different objects) just goes to the dictionary.
/// </summary>
internal sealed class CallSiteTagCache
{
    private const int Slots = 256;

    private readonly Entry?[] _entries = new Entry?[Slots];

    /// <summary>The tag cached for this exact site, or null.</summary>
    public AllocTag? Find(string file, int line, string function)
    {
        var entry = Volatile.Read(ref _entries[Slot(file, line, function)]);
        return entry is not null && ReferenceEquals(entry.File, file) && entry.Line == line && ReferenceEquals(entry.Function, function)
            ? entry.Tag
            : null;
    }

    /// <summary>Remembers <paramref name="tag"/> for the site, replacing whatever shared its slot.</summary>
    public void Remember(string file, int line, string function, AllocTag tag)
        => Volatile.Write(ref _entries[Slot(file, line, function)], new Entry(file, line, function, tag));

    private static int Slot(string file, int line, string function)
        => (int)((uint)HashCode.Combine(RuntimeHelpers.GetHashCode(file), line, RuntimeHelpers.GetHashCode(function)) % Slots);

    // Immutable, so a reader sees a whole entry or none.
    private sealed record Entry(string File, int Line, string Function, AllocTag Tag);
}
