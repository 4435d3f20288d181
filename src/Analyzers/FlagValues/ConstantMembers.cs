// Recognises members of source types that are constant masks although not declared `const`:
//
//   static readonly Gfp PoolGfp = Gfp.High | Gfp.NoCodetag;   // readonly field, written only by its initializer
//   static Gfp PoolGfp => Gfp.High | Gfp.NoCodetag;            // expression-bodied get-only property
//   static Gfp PoolGfp() => Gfp.High | Gfp.NoCodetag;          // expression-bodied parameterless method
//
// Analyzers may not ask the compilation for another member's semantic model (RS1030), so the member's
// expression is evaluated syntactically and conservatively: Gfp.X (also qualified), a bare X under
// `using static`, a const field or another such member of the same type, | & ~ and parentheses.
// Anything else is unknown, and so is the member: this only ever removes uncertainty that is provably absent.
using System.Linq;
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>Syntactic evaluation of readonly fields and expression-bodied members that always yield one <c>Gfp</c> constant.</summary>
internal static class ConstantMembers
{
    /// <summary>How many members deep one evaluation may follow (a field initialised from another such field).</summary>
    private const int MaxDepth = 4;

    /// <summary>The constant a readonly <c>Gfp</c> field always holds, when its initializer is its only write.</summary>
    public static bool TryGetField(IFieldSymbol field, RuntimeSymbols symbols, out uint value)
        => TryField(field, symbols, MaxDepth, out value);

    /// <summary>The constant a non-virtual expression-bodied get-only property always returns.</summary>
    public static bool TryGetProperty(IPropertySymbol property, RuntimeSymbols symbols, out uint value)
    {
        value = 0;
        if (!property.IsReadOnly || property.IsIndexer || !symbols.IsGfp(property.Type) || !IsSealed(property))
        {
            return false;
        }

        return TryBody(property.DeclaringSyntaxReferences, property.ContainingType, symbols, MaxDepth, out value);
    }

    /// <summary>The constant a non-virtual expression-bodied parameterless method always returns.</summary>
    public static bool TryGetMethod(IMethodSymbol method, RuntimeSymbols symbols, out uint value)
    {
        value = 0;
        if (method.MethodKind != MethodKind.Ordinary || method.Parameters.Length != 0 || method.IsGenericMethod
            || !symbols.IsGfp(method.ReturnType) || !IsSealed(method) || method.IsPartialDefinition)
        {
            return false;
        }

        return TryBody(method.DeclaringSyntaxReferences, method.ContainingType, symbols, MaxDepth, out value);
    }

    /// <summary>Not overridable and with a body here: what the source says is what runs.</summary>
    private static bool IsSealed(ISymbol member)
        => !member.IsAbstract && !member.IsVirtual && !member.IsOverride && !member.IsExtern
            && member.ContainingType is { TypeKind: TypeKind.Class or TypeKind.Struct };

    private static bool TryField(IFieldSymbol field, RuntimeSymbols symbols, int depth, out uint value)
    {
        value = 0;
        if (field.HasConstantValue)
        {
            return FlagEvaluator.TryToUInt32(field.ConstantValue, out value);
        }

        // A struct's instance fields are overwritten by `this = ...` in any of its non-readonly methods.
        if (depth <= 0 || !field.IsReadOnly || field.IsVolatile || !symbols.IsGfp(field.Type)
            || (!field.IsStatic && field.ContainingType.IsValueType)
            || field.DeclaringSyntaxReferences.Length != 1
            || field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer: { } initializer }
            || IsWrittenByConstructor(field))
        {
            return false;
        }

        return TryEvaluate(initializer.Value, field.ContainingType, symbols, depth - 1, out value);
    }

    private static bool TryBody(System.Collections.Immutable.ImmutableArray<SyntaxReference> references, INamedTypeSymbol type, RuntimeSymbols symbols, int depth, out uint value)
    {
        value = 0;
        if (references.Length != 1)
        {
            return false;
        }

        var expression = references[0].GetSyntax() switch
        {
            PropertyDeclarationSyntax { ExpressionBody: { } body } => body.Expression,
            PropertyDeclarationSyntax { AccessorList.Accessors: { Count: 1 } accessors }
                when accessors[0].IsKind(SyntaxKind.GetAccessorDeclaration) => accessors[0].ExpressionBody?.Expression,
            AccessorDeclarationSyntax { ExpressionBody: { } body } accessor when accessor.IsKind(SyntaxKind.GetAccessorDeclaration) => body.Expression,
            MethodDeclarationSyntax { ExpressionBody: { } body } => body.Expression,
            _ => null,
        };

        return expression is not null && TryEvaluate(expression, type, symbols, depth - 1, out value);
    }

    /// <summary>
    /// A readonly field can also be written in a constructor (or overwritten by <c>this = ...</c> in a struct's):
    /// any assignment, ref/out argument or increment in a constructor naming the field disqualifies it.
    /// </summary>
    private static bool IsWrittenByConstructor(IFieldSymbol field)
    {
        foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax declaration)
            {
                return true;
            }

            foreach (var constructor in declaration.Members.OfType<ConstructorDeclarationSyntax>())
            {
                foreach (var node in constructor.DescendantNodes())
                {
                    var written = node switch
                    {
                        AssignmentExpressionSyntax assignment => assignment.Left,
                        ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument => argument.Expression,
                        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix => prefix.Operand,
                        PostfixUnaryExpressionSyntax postfix => postfix.Operand,
                        _ => null,
                    };

                    if (written is not null && Names(written, field.Name))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="target"/> may denote the field: it mentions its name or is <c>this</c> (struct reassignment).</summary>
    private static bool Names(ExpressionSyntax target, string name)
        => target.DescendantNodesAndSelf().Any(node => node switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            ThisExpressionSyntax => true,
            _ => false,
        });

    private static bool TryEvaluate(ExpressionSyntax expression, INamedTypeSymbol type, RuntimeSymbols symbols, int depth, out uint value)
    {
        value = 0;
        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return TryEvaluate(parenthesized.Expression, type, symbols, depth, out value);

            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.BitwiseNotExpression } not:
                if (!TryEvaluate(not.Operand, type, symbols, depth, out var operand))
                {
                    return false;
                }

                value = ~operand;
                return true;

            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.BitwiseOrExpression) || binary.IsKind(SyntaxKind.BitwiseAndExpression):
                if (!TryEvaluate(binary.Left, type, symbols, depth, out var left) || !TryEvaluate(binary.Right, type, symbols, depth, out var right))
                {
                    return false;
                }

                value = binary.IsKind(SyntaxKind.BitwiseOrExpression) ? left | right : left & right;
                return true;

            case MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access:
                if (IsGfpTypeName(access.Expression))
                {
                    return TryGfpMember(access.Name.Identifier.ValueText, symbols, out value);
                }

                // A member of the same type named through the type: Pool.Mask.
                return access.Expression is IdentifierNameSyntax qualifier && qualifier.Identifier.ValueText == type.Name
                    && TryOwnMember(access.Name.Identifier.ValueText, type, symbols, depth, out value);

            case IdentifierNameSyntax identifier:
            {
                var name = identifier.Identifier.ValueText;
                if (HasMember(type, name) || IsPrimaryConstructorParameter(type, name))
                {
                    // A member of the type (or its bases) hides any `using static` import.
                    return TryOwnMember(name, type, symbols, depth, out value);
                }

                return ImportsGfpStatically(identifier) && TryGfpMember(name, symbols, out value);
            }

            default:
                return false;
        }
    }

    private static bool TryGfpMember(string name, RuntimeSymbols symbols, out uint value)
    {
        value = 0;
        return symbols.Bits.ValuesByName.TryGetValue(name, out value);
    }

    private static bool TryOwnMember(string name, INamedTypeSymbol type, RuntimeSymbols symbols, int depth, out uint value)
    {
        value = 0;
        var members = type.GetMembers(name);
        if (members.Length != 1 || members[0] is not IFieldSymbol field || !symbols.IsGfp(field.Type))
        {
            return false;
        }

        return TryField(field, symbols, depth, out value);
    }

    private static bool HasMember(INamedTypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (!current.GetMembers(name).IsEmpty || current.TypeParameters.Any(parameter => parameter.Name == name))
            {
                return true;
            }
        }

        return type.ContainingType is not null; // nested types see their containers' members: do not guess
    }

    private static bool IsPrimaryConstructorParameter(INamedTypeSymbol type, string name)
        => type.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax() is TypeDeclarationSyntax declaration
            && declaration.ParameterList is { } parameters
            && parameters.Parameters.Any(parameter => parameter.Identifier.ValueText == name));

    /// <summary><c>Gfp</c>, <c>Runtime.Gfp</c>, <c>GfpAnalyzers.Runtime.Gfp</c> or <c>global::GfpAnalyzers.Runtime.Gfp</c>.</summary>
    private static bool IsGfpTypeName(ExpressionSyntax expression)
    {
        var text = expression.ToString().Replace(" ", string.Empty);
        if (text.StartsWith("global::", System.StringComparison.Ordinal))
        {
            text = text.Substring("global::".Length);
        }

        return text is "Gfp" or "Runtime.Gfp" or "GfpAnalyzers.Runtime.Gfp";
    }

    /// <summary>A <c>using static GfpAnalyzers.Runtime.Gfp;</c> (or <c>using static Gfp;</c>) in the file or an enclosing namespace.</summary>
    private static bool ImportsGfpStatically(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            var usings = ancestor switch
            {
                CompilationUnitSyntax unit => unit.Usings,
                BaseNamespaceDeclarationSyntax ns => ns.Usings,
                _ => default,
            };

            foreach (var directive in usings)
            {
                if (!directive.StaticKeyword.IsKind(SyntaxKind.None) && directive.Alias is null && IsGfpTypeName(directive.Name!))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
