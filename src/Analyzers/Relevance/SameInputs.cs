using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace GfpAnalyzers.Analyzers.Relevance;

/// <summary>
/// The gate's last result for a compilation's inputs, reused by another compilation with the very same syntax trees,
/// references, assembly name and options. An analysis session clones its compilation for every request (the editor
/// analyses each file through a new one), and the gate depends on nothing else: without this, every file would
/// recompute it over the whole project. The name and the options count because they decide which internal members of
/// a reference the compilation sees (InternalsVisibleTo, MetadataImportOptions), and so which extension methods.
/// </summary>
internal sealed class SameInputs<TResult>
    where TResult : class
{
    // Keyed by the first tree, so that an entry lives as long as the trees it was computed from.
    private readonly ConditionalWeakTable<SyntaxTree, Slot> _byFirstTree = new();

    public TResult? Find(Compilation compilation)
    {
        var first = FirstTree(compilation);
        return first is not null && _byFirstTree.TryGetValue(first, out var slot) && Volatile.Read(ref slot.Latest) is { } latest && latest.Matches(compilation)
            ? latest.Result
            : null;
    }

    public void Remember(Compilation compilation, TResult result)
    {
        if (FirstTree(compilation) is { } first)
        {
            Volatile.Write(ref _byFirstTree.GetOrCreateValue(first).Latest, new Entry(compilation, result));
        }
    }

    private static SyntaxTree? FirstTree(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            return tree;
        }

        return null;
    }

    private sealed class Slot
    {
        public Entry? Latest;
    }

    // The inputs by identity (the same tree objects and the same reference objects, in the same order), the same
    // assembly name and equal options.
    private sealed class Entry
    {
        private readonly SyntaxTree[] _trees;
        private readonly MetadataReference[] _references;
        private readonly string? _assemblyName;
        private readonly CompilationOptions _options;

        public Entry(Compilation compilation, TResult result)
        {
            _trees = new List<SyntaxTree>(compilation.SyntaxTrees).ToArray();
            _references = new List<MetadataReference>(compilation.References).ToArray();
            _assemblyName = compilation.AssemblyName;
            _options = compilation.Options;
            Result = result;
        }

        public TResult Result { get; }

        public bool Matches(Compilation compilation)
            => compilation.AssemblyName == _assemblyName
               && (ReferenceEquals(compilation.Options, _options) || compilation.Options.Equals(_options))
               && SameSequence(_trees, compilation.SyntaxTrees)
               && SameSequence(_references, compilation.References);

        private static bool SameSequence<T>(T[] known, IEnumerable<T> current)
            where T : class
        {
            var i = 0;
            foreach (var item in current)
            {
                if (i >= known.Length || !ReferenceEquals(known[i], item))
                {
                    return false;
                }

                i++;
            }

            return i == known.Length;
        }
    }
}
