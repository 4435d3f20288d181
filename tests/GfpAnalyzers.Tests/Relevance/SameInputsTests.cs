using GfpAnalyzers.Analyzers.Relevance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GfpAnalyzers.Tests.Relevance;

/// <summary>
/// An analysis session clones its compilation for every file the editor analyses; the gate's result is reused by a clone
/// with the same trees and references, and never by a compilation whose inputs differ.
/// </summary>
public class SameInputsTests
{
    private static readonly MetadataReference Corlib = MetadataReference.CreateFromFile(typeof(object).Assembly.Location);

    [Fact]
    public void A_clone_with_the_same_trees_and_references_gets_the_earlier_result()
    {
        var cache = new SameInputs<object>();
        var compilation = Compile("class A { }", "class B { }");
        var result = new object();
        cache.Remember(compilation, result);

        Assert.Same(result, cache.Find(compilation.Clone()));
        var equalOptions = compilation.Options.WithConcurrentBuild(!compilation.Options.ConcurrentBuild).WithConcurrentBuild(compilation.Options.ConcurrentBuild);
        Assert.NotSame(compilation.Options, equalOptions);
        Assert.Same(result, cache.Find(compilation.WithOptions(equalOptions)));
    }

    [Fact]
    public void A_compilation_with_another_name_or_other_options_computes_its_own()
    {
        // Both decide which internal members of a reference the compilation sees (InternalsVisibleTo to this name,
        // MetadataImportOptions), and with them which extension methods reach the runtime.
        var cache = new SameInputs<object>();
        var compilation = Compile("class A { }", "class B { }");
        cache.Remember(compilation, new object());

        Assert.Null(cache.Find(compilation.WithAssemblyName("Other")));
        Assert.Null(cache.Find(compilation.WithOptions(compilation.Options.WithMetadataImportOptions(MetadataImportOptions.All))));
    }

    [Fact]
    public void A_compilation_with_other_trees_or_references_computes_its_own()
    {
        var cache = new SameInputs<object>();
        var compilation = Compile("class A { }", "class B { }");
        cache.Remember(compilation, new object());

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(), CSharpSyntaxTree.ParseText("class B { int x; }"));
        Assert.Null(cache.Find(edited));
        Assert.Null(cache.Find(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class C { }"))));
        Assert.Null(cache.Find(compilation.RemoveSyntaxTrees(compilation.SyntaxTrees.Last())));
        Assert.Null(cache.Find(compilation.AddReferences(MetadataReference.CreateFromFile(typeof(Uri).Assembly.Location))));
        Assert.Null(cache.Find(compilation.RemoveAllReferences()));
    }

    private static CSharpCompilation Compile(params string[] sources)
        => CSharpCompilation.Create("Inputs", sources.Select(s => CSharpSyntaxTree.ParseText(s)), [Corlib]);
}
