// What one syntax tree says about names, for the relevance gate (see RelevantTypes): per top-level type
// declaration, the identifiers it uses and the names it declares. Read once per tree and kept as long as the tree
// lives, so an editor that changes one file re-reads only that file.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.Analyzers.Relevance;

/// <summary>
/// A top-level type declaration with everything nested in it (or a file's top-level statements): the unit the gate
/// decides on. Nested types share their container's unit because they see its members by simple name.
/// </summary>
internal sealed class TypeUnit
{
    public TypeUnit(string groupKey, string[] identifiers, string[] typeNames, string[] staticMemberNames)
    {
        GroupKey = groupKey;
        Identifiers = identifiers;
        TypeNames = typeNames;
        StaticMemberNames = staticMemberNames;
    }

    /// <summary>
    /// The top-level type's name and arity ("Pool`0"; "Program`0" for top-level statements): the parts of a partial
    /// type share it, so they matter together. Types of the same name in other namespaces share it too, which only
    /// makes the gate open more often.
    /// </summary>
    public string GroupKey { get; }

    /// <summary>Every identifier the unit's syntax uses, once each.</summary>
    public string[] Identifiers { get; }

    /// <summary>The names of the types declared in the unit, and of attribute types without their "Attribute" suffix.</summary>
    public string[] TypeNames { get; }

    /// <summary>
    /// The methods and properties of static classes in the unit: extension methods (and C# 14 extension members) are
    /// called by name alone, on receivers of any type.
    /// </summary>
    public string[] StaticMemberNames { get; }
}

/// <summary>The units of one syntax tree, and the names its using directives bring in.</summary>
internal sealed class TreeNames
{
    public const string TopLevelStatementsKey = "Program`0";

    private static readonly ConditionalWeakTable<SyntaxTree, TreeNames> Cache = new();

    private TreeNames(List<TypeUnit> units, List<string> usingStaticIdentifiers, List<string> aliases)
    {
        Units = units;
        UsingStaticIdentifiers = usingStaticIdentifiers;
        Aliases = aliases;
    }

    public IReadOnlyList<TypeUnit> Units { get; }

    /// <summary>Every identifier in a <c>using static</c> directive: the types whose members the tree may call by name alone.</summary>
    public IReadOnlyList<string> UsingStaticIdentifiers { get; }

    /// <summary>The names <c>using X = ...;</c> declares: a use of an alias names no type.</summary>
    public IReadOnlyList<string> Aliases { get; }

    public static TreeNames Of(SyntaxTree tree, CancellationToken cancellationToken)
        => Cache.TryGetValue(tree, out var names) ? names : Cache.GetValue(tree, t => Read(t, cancellationToken));

    private static TreeNames Read(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var units = new List<TypeUnit>();
        var usingStatic = new List<string>();
        var aliases = new List<string>();
        var topLevel = new UnitBuilder(TopLevelStatementsKey);

        // Namespace members: namespaces and usings are walked, each type declaration is one unit, and anything else
        // (top-level statements, or a member kind this compiler version does not know) goes to the file's own unit.
        var pending = new Stack<SyntaxNode>();
        pending.Push(tree.GetRoot(cancellationToken));
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            switch (node)
            {
                case CompilationUnitSyntax compilationUnit:
                    PushAll(pending, compilationUnit.Usings);
                    PushAll(pending, compilationUnit.Members);
                    topLevel.AddIdentifiers(compilationUnit.AttributeLists, cancellationToken);
                    break;
                case BaseNamespaceDeclarationSyntax ns:
                    PushAll(pending, ns.Usings);
                    PushAll(pending, ns.Members);
                    break;
                case UsingDirectiveSyntax directive:
                    ReadUsing(directive, usingStatic, aliases);
                    break;
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    units.Add(ReadUnit((MemberDeclarationSyntax)node, cancellationToken));
                    break;
                default:
                    topLevel.AddIdentifiers(node, cancellationToken);
                    break;
            }
        }

        if (!topLevel.IsEmpty)
        {
            units.Add(topLevel.Build());
        }

        return new TreeNames(units, usingStatic, aliases);
    }

    private static void PushAll<T>(Stack<SyntaxNode> pending, SyntaxList<T> nodes)
        where T : SyntaxNode
    {
        // Reverse, so that units come out in source order (deterministic, though nothing depends on the order).
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            pending.Push(nodes[i]);
        }
    }

    private static void ReadUsing(UsingDirectiveSyntax directive, List<string> usingStatic, List<string> aliases)
    {
        if (directive.Alias is { } alias)
        {
            aliases.Add(alias.Name.Identifier.ValueText);
        }

        if (directive.StaticKeyword.IsKind(SyntaxKind.StaticKeyword))
        {
            foreach (var token in directive.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken))
                {
                    usingStatic.Add(token.ValueText);
                }
            }
        }
    }

    private static TypeUnit ReadUnit(MemberDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var (name, arity) = declaration switch
        {
            BaseTypeDeclarationSyntax type => (type.Identifier.ValueText, (type as TypeDeclarationSyntax)?.TypeParameterList?.Parameters.Count ?? 0),
            DelegateDeclarationSyntax del => (del.Identifier.ValueText, del.TypeParameterList?.Parameters.Count ?? 0),
            _ => (string.Empty, 0),
        };

        var unit = new UnitBuilder(RelevantTypes.GroupKey(name, arity));
        unit.AddIdentifiers(declaration, cancellationToken);
        return unit.Build();
    }

    /// <summary>Collects one unit's identifiers and declared names in one walk of its tokens.</summary>
    private sealed class UnitBuilder
    {
        private readonly string _groupKey;
        private readonly HashSet<string> _identifiers = new(System.StringComparer.Ordinal);
        private readonly HashSet<string> _typeNames = new(System.StringComparer.Ordinal);
        private readonly HashSet<string> _staticMemberNames = new(System.StringComparer.Ordinal);

        public UnitBuilder(string groupKey) => _groupKey = groupKey;

        public bool IsEmpty => _identifiers.Count == 0;

        public void AddIdentifiers(SyntaxList<AttributeListSyntax> lists, CancellationToken cancellationToken)
        {
            foreach (var list in lists)
            {
                AddIdentifiers(list, cancellationToken);
            }
        }

        public void AddIdentifiers(SyntaxNode node, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var token in node.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken))
                {
                    continue;
                }

                _identifiers.Add(token.ValueText);
                switch (token.Parent)
                {
                    case BaseTypeDeclarationSyntax type when type.Identifier == token:
                        TypeNameForms.AddTo(_typeNames, token.ValueText);
                        break;
                    case DelegateDeclarationSyntax del when del.Identifier == token:
                        TypeNameForms.AddTo(_typeNames, token.ValueText);
                        break;
                    case MethodDeclarationSyntax method when method.Identifier == token && InStaticClass(method):
                        _staticMemberNames.Add(token.ValueText);
                        break;
                    case PropertyDeclarationSyntax property when property.Identifier == token && InStaticClass(property):
                        _staticMemberNames.Add(token.ValueText);
                        break;
                }
            }
        }

        public TypeUnit Build()
            => new(_groupKey, ToArray(_identifiers), ToArray(_typeNames), ToArray(_staticMemberNames));

        // The nearest class, struct, interface or record up from the member: a C# 14 extension member sits in an
        // `extension(...) { }` block, a node this compiler API version does not know, inside its static class.
        private static bool InStaticClass(SyntaxNode member)
        {
            for (var node = member.Parent; node is not null; node = node.Parent)
            {
                switch (node)
                {
                    case ClassDeclarationSyntax type:
                        return type.Modifiers.Any(SyntaxKind.StaticKeyword);
                    case StructDeclarationSyntax or InterfaceDeclarationSyntax or RecordDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        private static string[] ToArray(HashSet<string> set)
        {
            if (set.Count == 0)
            {
                return System.Array.Empty<string>();
            }

            var array = new string[set.Count];
            set.CopyTo(array);
            return array;
        }
    }
}
