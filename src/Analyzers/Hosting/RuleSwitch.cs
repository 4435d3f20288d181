using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Hosting;

/// <summary>
/// Whether a hosted rule may report anything in a compilation: false only when every one of its diagnostics is
/// switched off everywhere — by the compilation's options (<c>/nowarn</c>, a ruleset, a <c>.globalconfig</c>) and by
/// the options of every tree (<c>.editorconfig</c>). Erring towards true costs only time: the driver still drops
/// what the options switch off; erring towards false would lose diagnostics.
/// </summary>
internal static class RuleSwitch
{
    public static bool IsOn(ImmutableArray<DiagnosticDescriptor> descriptors, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var descriptor in descriptors)
        {
            if (MayBeReported(descriptor, compilation, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MayBeReported(DiagnosticDescriptor descriptor, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var tag in descriptor.CustomTags)
        {
            if (tag == WellKnownDiagnosticTags.NotConfigurable)
            {
                return true;
            }
        }

        var id = descriptor.Id;
        var options = compilation.Options;
        var trees = options.SyntaxTreeOptionsProvider;

        // Any layer that switches the diagnostic on is enough, whatever the precedence between layers.
        var onForCompilation = descriptor.IsEnabledByDefault;
        if (options.SpecificDiagnosticOptions.TryGetValue(id, out var specific) && Decides(specific, out var on))
        {
            if (on)
            {
                return true;
            }

            onForCompilation = false;
        }

        if (trees is not null && trees.TryGetGlobalDiagnosticValue(id, cancellationToken, out var global) && Decides(global, out on))
        {
            if (on)
            {
                return true;
            }

            onForCompilation = false;
        }

        foreach (var tree in compilation.SyntaxTrees)
        {
            if (trees is not null && trees.TryGetDiagnosticValue(tree, id, cancellationToken, out var inTree) && Decides(inTree, out on))
            {
                if (on)
                {
                    return true;
                }
            }
            else if (onForCompilation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>False for <see cref="ReportDiagnostic.Default"/>, which leaves the decision to the next layer.</summary>
    private static bool Decides(ReportDiagnostic value, out bool on)
    {
        on = value != ReportDiagnostic.Suppress;
        return value != ReportDiagnostic.Default;
    }
}
