using GfpAnalyzers.Analyzers.Summaries;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// How messages name a call the compiler adds (a foreach's <c>GetEnumerator()</c>, a using's <c>Dispose()</c>): its
/// syntax is the collection or the resource, which shows no call, so the message names the method that runs.
/// </summary>
internal static class HiddenCallText
{
    /// <summary>"the foreach's call to 'Pool.GetEnumerator()'", "the using's call to 'Unlocker.Dispose()'".</summary>
    public static string Describe(IInvocationOperation call)
        => $"the {Construct(call.Syntax)} call to '{MethodText(call)}'";

    /// <summary>The call as a message quotes it: the source text when written, "Unlocker.Dispose()" when the compiler added it.</summary>
    public static string CallText(IOperation call)
        => call is IInvocationOperation { IsImplicit: true } invocation ? MethodText(invocation) : call.Syntax.ToString();

    /// <summary>"Pool.GetEnumerator()"; for a call through an interface, the implementation that runs ("Unlocker.Dispose()").</summary>
    private static string MethodText(IInvocationOperation call)
    {
        var method = call.TargetMethod;
        if (call.Instance is { } instance && HiddenOwnCalls.ImplementationOf(method, HiddenOwnCalls.Unconverted(instance).Type) is { } implementation)
        {
            method = implementation;
        }

        var name = method.ExplicitInterfaceImplementations.Length > 0 ? method.ExplicitInterfaceImplementations[0].Name : method.Name;
        return method.ContainingType.Name + "." + name + "()";
    }

    /// <summary>"foreach's", "using's", or "implicit" for any other call the compiler adds (a collection initializer's Add).</summary>
    private static string Construct(SyntaxNode syntax) => syntax.FirstAncestorOrSelf<StatementSyntax>() switch
    {
        CommonForEachStatementSyntax => "foreach's",
        UsingStatementSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } => "using's",
        _ => "implicit",
    };
}
