using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GfpAnalyzers.Fuzzer;

/// <summary>
/// Seeded mutations of realistic allocator code: token and statement edits (delete, duplicate, swap) and the
/// shapes the rules care about (lambdas, local functions, try/finally, early returns, unlocks, gotos, names that
/// collide). The same seed and input always give the same mutant.
/// </summary>
internal sealed class Mutator
{
    private static readonly string[] Kinds =
    [
        "delete statement", "duplicate statement", "swap statements", "delete token", "duplicate token", "swap tokens",
        "wrap in lambda", "wrap in local function", "wrap in try/finally", "insert return", "insert unlock",
        "insert lock", "insert goto", "name collision",
    ];

    private readonly Random _random;

    public Mutator(int seed) => _random = new Random(seed);

    /// <summary>One to three mutations of <paramref name="source"/>, and what they were.</summary>
    public (string Source, string Description) Mutate(string source)
    {
        var count = 1 + _random.Next(3);
        var applied = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var kind = Kinds[_random.Next(Kinds.Length)];
            if (Apply(kind, source) is { } mutated)
            {
                source = mutated;
                applied.Add(kind);
            }
        }

        return (source, applied.Count == 0 ? "(none)" : string.Join(", ", applied));
    }

    private string? Apply(string kind, string source)
    {
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();
        var statements = root.DescendantNodes().OfType<StatementSyntax>()
            .Where(statement => statement is not BlockSyntax && statement.Parent is BlockSyntax)
            .ToArray();
        StatementSyntax? Pick() => statements.Length == 0 ? null : statements[_random.Next(statements.Length)];
        string Replace(SyntaxNode node, string text) => source.Substring(0, node.SpanStart) + text + source.Substring(node.Span.End);
        string InsertBefore(SyntaxNode node, string text) => source.Substring(0, node.SpanStart) + text + " " + source.Substring(node.SpanStart);

        switch (kind)
        {
            case "delete statement":
                return Pick() is { } deleted ? Replace(deleted, "") : null;
            case "duplicate statement":
                return Pick() is { } duplicated ? Replace(duplicated, duplicated.ToString() + " " + duplicated) : null;
            case "swap statements":
            {
                if (Pick() is not { Parent: BlockSyntax block } first || block.Statements.IndexOf(first) is var index && index + 1 >= block.Statements.Count)
                {
                    return null;
                }

                var second = block.Statements[index + 1];
                return source.Substring(0, first.SpanStart) + second + " " + first + source.Substring(second.Span.End);
            }

            case "delete token":
            case "duplicate token":
            case "swap tokens":
            {
                var tokens = root.DescendantTokens().Where(token => !token.IsKind(SyntaxKind.EndOfFileToken)).ToArray();
                if (tokens.Length < 2)
                {
                    return null;
                }

                var at = _random.Next(tokens.Length - 1);
                var token = tokens[at];
                var span = token.Span;
                return kind switch
                {
                    "delete token" => source.Remove(span.Start, span.Length),
                    "duplicate token" => source.Insert(span.End, " " + token.Text),
                    _ => source.Substring(0, span.Start) + tokens[at + 1].Text + source.Substring(span.End, tokens[at + 1].SpanStart - span.End)
                        + token.Text + source.Substring(tokens[at + 1].Span.End),
                };
            }

            case "wrap in lambda":
                return Pick() is { } wrappedInLambda ? Replace(wrappedInLambda, $"System.Action fuzz{_random.Next(100)} = () => {{ {wrappedInLambda} }}; fuzz{_random.Next(100)}();") : null;
            case "wrap in local function":
            {
                if (Pick() is not { } wrapped)
                {
                    return null;
                }

                var name = "Fuzz" + _random.Next(100);
                return Replace(wrapped, $"void {name}() {{ {wrapped} }} {name}();");
            }

            case "wrap in try/finally":
            {
                if (Pick() is not { } wrapped)
                {
                    return null;
                }

                var finallyBody = Lines(root, "ReadUnlock", "ClearPageTagRef", "FreePage").FirstOrDefault() ?? "";
                return _random.Next(2) == 0
                    ? Replace(wrapped, $"try {{ {wrapped} }} finally {{ {finallyBody} }}")
                    : Replace(wrapped, $"try {{ {wrapped} }} catch (System.Exception) {{ {finallyBody} throw; }}");
            }

            case "insert return":
                return Pick() is { } beforeReturn ? InsertBefore(beforeReturn, _random.Next(2) == 0 ? "if (System.Environment.TickCount > 0) return;" : "return;") : null;
            case "insert unlock":
                return Pick() is { } beforeUnlock && Lines(root, "ReadUnlock").FirstOrDefault() is { } unlock ? InsertBefore(beforeUnlock, unlock) : null;
            case "insert lock":
                return Pick() is { } beforeLock && Lines(root, "ReadLock", "ClearPageTagRef", "AllocPage").Skip(_random.Next(2)).FirstOrDefault() is { } lockLine ? InsertBefore(beforeLock, lockLine) : null;
            case "insert goto":
            {
                if (Pick() is not { Parent: BlockSyntax block } from)
                {
                    return null;
                }

                var to = block.Statements[_random.Next(block.Statements.Count)];
                var label = "fuzz" + _random.Next(1000);
                var withLabel = source.Substring(0, to.SpanStart) + label + ": " + source.Substring(to.SpanStart);
                var shift = to.SpanStart <= from.SpanStart ? label.Length + 2 : 0;
                return withLabel.Substring(0, from.SpanStart + shift) + $"goto {label}; " + withLabel.Substring(from.SpanStart + shift);
            }

            case "name collision":
            {
                // A local named like a Gfp member, a field, or another local: spelling and binding must not be confused.
                var names = root.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(v => v.Identifier.ValueText)
                    .Concat(["High", "NoCodetag", "Kernel", "Atomic", "_allocator", "_rcu", "page", "Gfp"])
                    .Distinct().ToArray();
                if (Pick() is not { } before)
                {
                    return null;
                }

                var name = names[_random.Next(names.Length)];
                return _random.Next(2) == 0
                    ? InsertBefore(before, $"var {name} = 0;")
                    : root.DescendantNodes().OfType<VariableDeclaratorSyntax>().ToArray() is { Length: > 0 } declarators
                        && declarators[_random.Next(declarators.Length)] is var renamed
                        ? source.Substring(0, renamed.Identifier.SpanStart) + name + source.Substring(renamed.Identifier.Span.End)
                        : null;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>Expression statements of the file that call one of <paramref name="members"/>, as text, shuffled by the seed.</summary>
    private IEnumerable<string> Lines(SyntaxNode root, params string[] members)
        => root.DescendantNodes().OfType<ExpressionStatementSyntax>()
            .Where(statement => members.Any(member => statement.Expression.ToString().Contains("." + member + "(", StringComparison.Ordinal)))
            .Select(statement => statement.ToString())
            .OrderBy(_ => _random.Next())
            .ToArray();
}
