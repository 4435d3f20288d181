using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.AtomicContext;

/// <summary>
/// The null test the compiler puts before disposing a class-typed resource (<c>if (e != null) e.Dispose();</c>) in the
/// graph of a foreach or a using. Where the resource cannot be null there, only the path that disposes is real: a
/// release helper's <c>Dispose()</c> then ends the section on every path, as the code says.
/// </summary>
internal static class HiddenDisposes
{
    /// <summary>
    /// True when <paramref name="condition"/> is that test on a foreach's enumerator (on the normal way out, the loop
    /// has called <c>MoveNext()</c> on it: not null) or on a using's resource created right there (<c>new Guard(...)</c>).
    /// </summary>
    public static bool NeverNull(IOperation? condition)
    {
        if (condition is not IIsNullOperation { IsImplicit: true } test)
        {
            return false;
        }

        return test.Syntax switch
        {
            // A foreach's tests sit on its collection expression.
            ExpressionSyntax expression when expression.Parent is CommonForEachStatementSyntax loop && loop.Expression == expression => true,
            ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax => test.Syntax.Parent is UsingStatementSyntax,
            VariableDeclaratorSyntax { Initializer.Value: ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax } => true,
            _ => false,
        };
    }
}
