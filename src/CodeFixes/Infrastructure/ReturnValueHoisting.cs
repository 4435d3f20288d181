using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace GfpAnalyzers.CodeFixes.Infrastructure;

/// <summary>
/// Runs statements after a returned value is computed but before the function returns it:
/// <c>return f(x);</c> → <c>var result = f(x); s1; s2; return result;</c>. The local is declared so that it compiles
/// wherever the return did: a target-typed value (<c>new()</c>, <c>[]</c>, a lambda) gets the type it converts to
/// spelled out, a value of another type than the function returns gets the returned type, and a ref return
/// (<c>return ref _field;</c>) becomes a ref local (<c>ref var result = ref _field; ... return ref result;</c>).
/// </summary>
internal static class ReturnValueHoisting
{
    /// <summary>
    /// Whether <paramref name="ret"/>'s value can be hoisted into a local: it has a value and a type the local can be
    /// declared with (not an anonymous type the return converts to, not an error type).
    /// </summary>
    public static bool CanHoist(ReturnStatementSyntax ret, SemanticModel model, CancellationToken cancellationToken)
        => ret.Expression is { } value && StatementInsertion.CanInsertBefore(ret) && LocalDeclaration(ret, value, "result", model, cancellationToken) is not null;

    /// <summary>
    /// Rewrites <paramref name="ret"/> into: its value stored in a fresh local, then <paramref name="statements"/>, then
    /// the return of the local. Returns false (and edits nothing) when <see cref="CanHoist"/> is false.
    /// </summary>
    public static bool TryHoist(FixEditor editor, ReturnStatementSyntax ret, IReadOnlyList<StatementSyntax> statements, SyntaxNode function, FixSession session, CancellationToken cancellationToken)
    {
        var model = session.Model;
        if (ret.Expression is not { } value || !StatementInsertion.CanInsertBefore(ret))
        {
            return false;
        }

        var name = UniqueName(session, ret.SpanStart, function, "result");
        if (LocalDeclaration(ret, value, name, model, cancellationToken) is not { } declaration)
        {
            return false;
        }

        ExpressionSyntax returned = SyntaxFactory.IdentifierName(name);
        if (value is RefExpressionSyntax)
        {
            returned = SyntaxFactory.RefExpression(returned);
        }

        var newReturn = ret.WithExpression(returned.WithTriviaFrom(value));
        var inserted = new List<StatementSyntax> { declaration.WithAdditionalAnnotations(Formatter.Annotation) };
        inserted.AddRange(statements.Select(statement => statement.WithAdditionalAnnotations(Formatter.Annotation)));
        if (ret.Parent is BlockSyntax or SwitchSectionSyntax)
        {
            // The return's own indentation, not elastic trivia: after a `}` the formatter would add a blank line.
            if (ret.GetLeadingTrivia() is { Count: > 0 } leading && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia))
            {
                inserted[0] = inserted[0].WithLeadingTrivia(leading[leading.Count - 1]);
            }

            editor.InsertBefore(ret, inserted);
            editor.ReplaceNode(ret, newReturn);
        }
        else
        {
            inserted.Add(newReturn.WithoutLeadingTrivia());
            editor.ReplaceNode(ret, SyntaxFactory.Block(inserted).WithLeadingTrivia(ret.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
        }

        return true;
    }

    /// <summary><c>T name = value;</c> or <c>ref [readonly] var name = ref value;</c>; null when no declaration would compile.</summary>
    private static LocalDeclarationStatementSyntax? LocalDeclaration(ReturnStatementSyntax ret, ExpressionSyntax value, string name, SemanticModel model, CancellationToken cancellationToken)
    {
        TypeSyntax type;
        ExpressionSyntax initializer;
        if (value is RefExpressionSyntax byRef)
        {
            // The ref local refers to what the return referred to: `ref readonly` when the function returns a readonly ref.
            var readOnly = model.GetEnclosingSymbol(ret.SpanStart, cancellationToken) is IMethodSymbol { ReturnsByRefReadonly: true };
            type = readOnly
                ? SyntaxFactory.RefType(SyntaxFactory.Token(SyntaxKind.RefKeyword), SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword), SyntaxFactory.IdentifierName("var"))
                : SyntaxFactory.RefType(SyntaxFactory.IdentifierName("var"));
            initializer = SyntaxFactory.RefExpression(byRef.Expression.WithoutTrivia());
        }
        else if (LocalType(value, ret.SpanStart, model, cancellationToken) is { } local)
        {
            type = local;
            initializer = value.WithoutTrivia();
        }
        else
        {
            return null;
        }

        return SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(type,
            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(name).WithInitializer(SyntaxFactory.EqualsValueClause(initializer)))));
    }

    /// <summary>
    /// <c>var</c> when the value's own type is the type it is returned as; else that returned type, spelled as code
    /// at <paramref name="position"/> (a target-typed <c>new()</c> has no type of its own: <c>var result = new();</c>
    /// does not compile). Null when the returned type cannot be written (anonymous, error).
    /// </summary>
    private static TypeSyntax? LocalType(ExpressionSyntax value, int position, SemanticModel model, CancellationToken cancellationToken)
    {
        var typeInfo = model.GetTypeInfo(value, cancellationToken);
        var targetTyped = FixTargets.Unwrap(value) is ImplicitObjectCreationExpressionSyntax or CollectionExpressionSyntax
            or AnonymousFunctionExpressionSyntax or LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression or (int)SyntaxKind.DefaultLiteralExpression };
        if (!targetTyped && typeInfo.Type is { TypeKind: not TypeKind.Error } natural
            && SymbolEqualityComparer.IncludeNullability.Equals(natural, typeInfo.ConvertedType))
        {
            return SyntaxFactory.IdentifierName("var");
        }

        return typeInfo.ConvertedType is { } converted && IsSpellable(converted)
            ? SyntaxFactory.ParseTypeName(converted.ToMinimalDisplayString(model, position))
            : null;
    }

    /// <summary>A type code can name: no error or anonymous type anywhere in it (walked with a stack: nesting is the input's).</summary>
    private static bool IsSpellable(ITypeSymbol type)
    {
        var pending = new Stack<ITypeSymbol>();
        pending.Push(type);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current.TypeKind == TypeKind.Error || current.IsAnonymousType)
            {
                return false;
            }

            switch (current)
            {
                case IArrayTypeSymbol array:
                    pending.Push(array.ElementType);
                    break;
                case IPointerTypeSymbol pointer:
                    pending.Push(pointer.PointedAtType);
                    break;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments)
                    {
                        pending.Push(argument);
                    }

                    if (named.ContainingType is { } containing)
                    {
                        pending.Push(containing);
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// A name no symbol in scope, no local of the function and no other fix of the same batch in this function uses
    /// (C# forbids shadowing a local declared later); reserved for this fix.
    /// </summary>
    private static string UniqueName(FixSession session, int position, SyntaxNode function, string baseName)
    {
        var reserved = session.NamesTakenIn(function);
        var taken = new HashSet<string>(reserved, System.StringComparer.Ordinal);
        foreach (var token in function.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                taken.Add(token.ValueText);
            }
        }

        // Looked up by name: listing every symbol in scope would cost as much as the type has members, per fix.
        var name = baseName;
        for (var suffix = 1; taken.Contains(name) || !session.Model.LookupSymbols(position, name: name).IsEmpty; suffix++)
        {
            name = baseName + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        reserved.Add(name);
        return name;
    }
}
