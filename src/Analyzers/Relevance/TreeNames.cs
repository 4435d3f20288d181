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
/// Names are <see cref="NameHash"/> values.
/// </summary>
internal sealed class TypeUnit
{
    public TypeUnit(string groupKey, ulong[] identifiers, ulong[] typeNames, ulong[] staticMemberNames, ulong[] memberNames, ulong[] hiddenCallNames)
    {
        MemberNames = memberNames;
        HiddenCallNames = hiddenCallNames;
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

    /// <summary>
    /// Every identifier the unit's text uses, once each (words in its comments and strings too: more names can only
    /// let more through).
    /// </summary>
    public ulong[] Identifiers { get; }

    /// <summary>The names of the types declared in the unit, and of attribute types without their "Attribute" suffix.</summary>
    public ulong[] TypeNames { get; }

    /// <summary>
    /// The methods and properties of static classes in the unit, and its extension methods and C# 14 extension members
    /// wherever declared (in a part of a partial static class that does not repeat `static`): extension members are
    /// called by name alone, on receivers of any type.
    /// </summary>
    public ulong[] StaticMemberNames { get; }

    /// <summary>
    /// The names of every member of every type in the unit: when <c>using static</c> imports one of its types, its
    /// members may be called by name alone. (Names, not the syntax: a cache entry must not keep a tree's nodes alive.)
    /// </summary>
    public ulong[] MemberNames { get; }

    /// <summary>The unit's extension methods (and extension-block members) that the compiler may call unnamed (<see cref="HiddenCalls"/>).</summary>
    public ulong[] HiddenCallNames { get; }
}

/// <summary>A <c>using Name = Target;</c> directive: the alias, and every identifier of the directive (the target's names).</summary>
internal sealed class AliasDirective
{
    public AliasDirective(ulong name, ulong[] targetIdentifiers)
    {
        Name = name;
        TargetIdentifiers = targetIdentifiers;
    }

    public ulong Name { get; }

    public ulong[] TargetIdentifiers { get; }
}

/// <summary>The units of one syntax tree, and the names its using directives bring in.</summary>
internal sealed class TreeNames
{
    public const string TopLevelStatementsKey = "Program`0";

    private static readonly ConditionalWeakTable<SyntaxTree, TreeNames> Cache = new();

    private TreeNames(List<TypeUnit> units, ulong[] usingStaticIdentifiers, List<AliasDirective> aliases)
    {
        Units = units;
        UsingStaticIdentifiers = usingStaticIdentifiers;
        Aliases = aliases;
    }

    public IReadOnlyList<TypeUnit> Units { get; }

    /// <summary>Every identifier in a <c>using static</c> directive: the types whose members the tree may call by name alone.</summary>
    public ulong[] UsingStaticIdentifiers { get; }

    /// <summary>
    /// The aliases <c>using X = ...;</c> declares: a use of an alias names no type, and <c>using static X;</c> (in a
    /// namespace inside the alias's scope) imports the target's members.
    /// </summary>
    public IReadOnlyList<AliasDirective> Aliases { get; }

    public static TreeNames Of(SyntaxTree tree, CancellationToken cancellationToken)
        => Cache.TryGetValue(tree, out var names) ? names : Cache.GetValue(tree, t => Read(t, cancellationToken));

    private static TreeNames Read(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var text = new IdentifierScanner(tree.GetText(cancellationToken));
        var units = new List<TypeUnit>();
        var usingStatic = new HashSet<ulong>();
        var aliases = new List<AliasDirective>();
        var topLevel = new HashSet<ulong>();

        // Namespace members: namespaces and usings are walked, each type declaration is one unit, and anything else
        // (top-level statements, assembly attributes, or a member kind this compiler version does not know) goes to
        // the file's own unit. Only declarations are walked as syntax; what is inside them is read as text.
        var pending = new Stack<SyntaxNode>();
        pending.Push(tree.GetRoot(cancellationToken));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = pending.Pop();
            switch (node)
            {
                case CompilationUnitSyntax compilationUnit:
                    PushAll(pending, compilationUnit.Usings);
                    PushAll(pending, compilationUnit.Members);
                    foreach (var attributes in compilationUnit.AttributeLists)
                    {
                        text.AddIdentifiers(attributes, topLevel);
                    }

                    break;
                case BaseNamespaceDeclarationSyntax ns:
                    PushAll(pending, ns.Usings);
                    PushAll(pending, ns.Members);
                    break;
                case UsingDirectiveSyntax directive:
                    if (directive.Alias is { } alias)
                    {
                        var target = new HashSet<ulong>();
                        text.AddIdentifiers(directive, target);
                        aliases.Add(new AliasDirective(NameHash.Of(alias.Name.Identifier.ValueText), ToArray(target)));
                    }

                    if (directive.StaticKeyword.IsKind(SyntaxKind.StaticKeyword))
                    {
                        text.AddIdentifiers(directive, usingStatic);
                    }

                    break;
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    units.Add(ReadUnit((MemberDeclarationSyntax)node, text));
                    break;
                default:
                    text.AddIdentifiers(node, topLevel);
                    break;
            }
        }

        if (topLevel.Count > 0)
        {
            units.Add(new TypeUnit(TopLevelStatementsKey, ToArray(topLevel), System.Array.Empty<ulong>(), System.Array.Empty<ulong>(), System.Array.Empty<ulong>(), System.Array.Empty<ulong>()));
        }

        return new TreeNames(units, ToArray(usingStatic), aliases);
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

    private static TypeUnit ReadUnit(MemberDeclarationSyntax declaration, IdentifierScanner text)
    {
        var identifiers = new HashSet<ulong>();
        text.AddIdentifiers(declaration, identifiers);

        var typeNames = new HashSet<ulong>();
        var staticMemberNames = new HashSet<ulong>();
        var hiddenCallNames = new HashSet<ulong>();
        var declarations = new Stack<MemberDeclarationSyntax>();
        declarations.Push(declaration);
        while (declarations.Count > 0)
        {
            switch (declarations.Pop())
            {
                case DelegateDeclarationSyntax del:
                    TypeNameForms.AddTo(typeNames, del.Identifier.ValueText);
                    break;
                case BaseTypeDeclarationSyntax type:
                    if (type.Identifier.ValueText.Length > 0)
                    {
                        TypeNameForms.AddTo(typeNames, type.Identifier.ValueText);
                    }

                    if (type is TypeDeclarationSyntax withMembers)
                    {
                        // A part of a partial static class need not say `static` itself: its extension members count
                        // wherever they are declared (they compile only in a static class).
                        var isClass = type is ClassDeclarationSyntax;
                        var isStaticClass = isClass && type.Modifiers.Any(SyntaxKind.StaticKeyword);
                        foreach (var member in withMembers.Members)
                        {
                            if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
                            {
                                declarations.Push(member);
                            }

                            if (isClass && !IsNamedTypeDeclaration(member))
                            {
                                AddStaticMemberNames(member, isStaticClass, staticMemberNames, hiddenCallNames);
                            }
                        }
                    }

                    break;
            }
        }

        var (name, arity) = declaration switch
        {
            TypeDeclarationSyntax type => (type.Identifier.ValueText, type.TypeParameterList?.Parameters.Count ?? 0),
            BaseTypeDeclarationSyntax type => (type.Identifier.ValueText, 0),
            DelegateDeclarationSyntax del => (del.Identifier.ValueText, del.TypeParameterList?.Parameters.Count ?? 0),
            _ => (string.Empty, 0),
        };

        return new TypeUnit(RelevantTypes.GroupKey(name, arity), ToArray(identifiers), ToArray(typeNames), ToArray(staticMemberNames), ReadMemberNames(declaration), ToArray(hiddenCallNames));
    }

    // A class, struct, interface, record, enum or delegate: a nested type with a name of its own. Not a C# 14
    // `extension(...) { }` block, which newer compilers parse as a TypeDeclarationSyntax of a kind this API version does
    // not know (with no name): its members are the static class's extension members.
    private static bool IsNamedTypeDeclaration(MemberDeclarationSyntax member)
        => member.Kind() is SyntaxKind.ClassDeclaration or SyntaxKind.StructDeclaration or SyntaxKind.InterfaceDeclaration
            or SyntaxKind.RecordDeclaration or SyntaxKind.RecordStructDeclaration or SyntaxKind.EnumDeclaration
            or SyntaxKind.DelegateDeclaration;

    // A method or property of a static class, or an extension method of a class whose `static` another part declares;
    // inside a member kind this compiler API version does not know (a C# 14 `extension(...) { }` block, legal only in
    // a static class), every method and property it declares. Extension methods and extension-block methods the
    // compiler may call unnamed also go to hiddenCallNames.
    private static void AddStaticMemberNames(MemberDeclarationSyntax member, bool isStaticClass, HashSet<ulong> names, HashSet<ulong> hiddenCallNames)
    {
        switch (member)
        {
            case MethodDeclarationSyntax method:
                var isExtension = method.ParameterList.Parameters.FirstOrDefault() is { } first && first.Modifiers.Any(SyntaxKind.ThisKeyword);
                if (isStaticClass || isExtension)
                {
                    names.Add(NameHash.Of(method.Identifier.ValueText));
                }

                if (isExtension)
                {
                    AddIfHidden(method.Identifier.ValueText, hiddenCallNames);
                }

                break;
            case PropertyDeclarationSyntax property when isStaticClass:
                names.Add(NameHash.Of(property.Identifier.ValueText));
                break;
            case BaseFieldDeclarationSyntax or BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax:
                break;
            default:
                foreach (var node in member.DescendantNodes(node => node is not (BlockSyntax or ArrowExpressionClauseSyntax)))
                {
                    if (node is MethodDeclarationSyntax method)
                    {
                        names.Add(NameHash.Of(method.Identifier.ValueText));
                        AddIfHidden(method.Identifier.ValueText, hiddenCallNames);
                    }
                    else if (node is PropertyDeclarationSyntax property)
                    {
                        names.Add(NameHash.Of(property.Identifier.ValueText));
                    }
                }

                break;
        }
    }

    private static void AddIfHidden(string name, HashSet<ulong> hiddenCallNames)
    {
        if (HiddenCalls.IsHidden(name))
        {
            hiddenCallNames.Add(NameHash.Of(name));
        }
    }

    // The names of every member of every type in a unit (see TypeUnit.MemberNames).
    private static ulong[] ReadMemberNames(MemberDeclarationSyntax declaration)
    {
        var names = new HashSet<ulong>();
        foreach (var node in declaration.DescendantNodesAndSelf(node => node is MemberDeclarationSyntax or VariableDeclarationSyntax or ParameterListSyntax))
        {
            if (DeclaredName(node) is { } name)
            {
                names.Add(NameHash.Of(name));
            }
        }

        return ToArray(names);
    }

    // The name a declaration gives a member: a type, method, property, event, delegate, enum member or variable; a
    // record's (or primary constructor's) parameter, which is a property of the type.
    private static string? DeclaredName(SyntaxNode node) => node switch
    {
        BaseTypeDeclarationSyntax type => type.Identifier.ValueText,
        MethodDeclarationSyntax method => method.Identifier.ValueText,
        PropertyDeclarationSyntax property => property.Identifier.ValueText,
        EventDeclarationSyntax @event => @event.Identifier.ValueText,
        DelegateDeclarationSyntax del => del.Identifier.ValueText,
        EnumMemberDeclarationSyntax enumMember => enumMember.Identifier.ValueText,
        VariableDeclaratorSyntax variable => variable.Identifier.ValueText,
        ParameterSyntax parameter when parameter.Parent?.Parent is TypeDeclarationSyntax => parameter.Identifier.ValueText,
        _ => null,
    };

    private static ulong[] ToArray(HashSet<ulong> set)
    {
        if (set.Count == 0)
        {
            return System.Array.Empty<ulong>();
        }

        var array = new ulong[set.Count];
        set.CopyTo(array);
        return array;
    }
}
