using System.Collections.Immutable;
using System.Text;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Interprocedural;

/// <summary>
/// Whether a method may sleep whatever its caller passes for flags (<c>might_sleep()</c>, not
/// <c>might_sleep_if(gfpflags_allow_blocking(gfp))</c>), and why: the reason GFP010 gives for [MightSleep].
/// </summary>
internal static class SleepExplanation
{
    /// <summary>
    /// "calls 'Drain', which calls 'Rcu.Synchronize()'", or null when it sleeps only on flags its callers choose, or only
    /// inside an atomic section of some method on the way (a bug GFP001/GFP003/GFP009 report there).
    /// </summary>
    public static string? Of(MethodSummary summary, GfpBits bits)
    {
        if (summary.IsUnknown)
        {
            return null;
        }

        foreach (var sleep in summary.Sleeps)
        {
            if (!sleep.InSection && !HasFlagTest(sleep.Conditions))
            {
                return Chain(sleep.Chain) + sleep.Leaf;
            }
        }

        foreach (var flow in summary.Flows)
        {
            if (!flow.OnUnknownFlags && !flow.InSection && !HasFlagTest(flow.Conditions) && (flow.Value.ConstantBits & bits.DirectReclaim) != 0)
            {
                var origins = flow.Value.OriginsOf(bits.DirectReclaim, constant: true);
                return Chain(flow.Chain) + $"allocates with {(origins.IsEmpty ? "DirectReclaim" : origins[0].Description)} at line {flow.Line}";
            }
        }

        return null;
    }

    private static bool HasFlagTest(ImmutableArray<ParameterCondition> conditions)
    {
        foreach (var atom in conditions)
        {
            if (atom.IsFlagTest)
            {
                return true;
            }
        }

        return false;
    }

    private static string Chain(ImmutableArray<string> chain)
    {
        var text = new StringBuilder();
        foreach (var name in chain)
        {
            text.Append("calls '").Append(name).Append("', which ");
        }

        return text.ToString();
    }
}
