using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Summaries;

/// <summary>
/// Why a method may sleep: something in its own body (<see cref="Text"/>: "calls 'Rcu.Synchronize()'",
/// "allocates with Gfp.Kernel at line 30", "calls 'Wait', which is marked [MightSleep]"), or a call to a
/// method of the compilation that may sleep (<see cref="Via"/>).
/// </summary>
internal sealed class SleepReason
{
    private SleepReason(string? text, IMethodSymbol? via, Location location)
    {
        Text = text;
        Via = via;
        Location = location;
    }

    /// <summary>The direct reason, or null when the method sleeps through <see cref="Via"/>.</summary>
    public string? Text { get; }

    /// <summary>The callee that sleeps (summary key), or null for a direct reason.</summary>
    public IMethodSymbol? Via { get; }

    /// <summary>Where in the method's body the reason is (for ordering: the first one in source wins).</summary>
    public Location Location { get; }

    public static SleepReason Direct(string text, Location location) => new(text, null, location);

    public static SleepReason Through(IMethodSymbol callee, Location location) => new(null, callee, location);
}
