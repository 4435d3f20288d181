// GFP006: in a chain of `|`, a constant operand whose bits the other constant operands already set
// (`Gfp.NoWait | Gfp.NoWarn`, `Gfp.Atomic | Gfp.High`, `Gfp.Kernel | Gfp.Io`). Reported on the redundant
// operand, naming the operand(s) that include it. Of two equal operands, the later one is redundant.
//
// Diagnostic.Properties (for code fixes):
//   "RedundantOperand"  the redundant operand's text ("Gfp.NoWarn"); the fix removes it from the chain.
//   "IncludedIn"        the operand(s) that already set its bits, joined by " | " ("Gfp.NoWait").
using System.Collections.Generic;
using System.Collections.Immutable;
using GfpAnalyzers.Analyzers.FlagValues;
using GfpAnalyzers.Analyzers.Symbols;
using GfpAnalyzers.Analyzers.Relevance;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>Reports flags already implied by the rest of a <c>|</c> expression.</summary>
public sealed class GFP006RedundantFlagAnalyzer : DiagnosticAnalyzer
{
    public const string RedundantOperandProperty = "RedundantOperand";
    public const string IncludedInProperty = "IncludedIn";

    public static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        DiagnosticIds.RedundantFlag,
        title: "Flag already implied by the rest of the expression",
        messageFormat: "'{0}' is redundant: it is already included in {1}",
        RuleCategories.GfpFlags,
        DiagnosticSeverity.Info,
        description: "A flag that another operand of the same '|' expression already sets adds nothing, and suggests "
            + "a misreading of the composite: Gfp.NoWait already contains NoWarn, Gfp.Atomic contains High, "
            + "Gfp.Kernel contains Io and Fs.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!RuntimeSymbols.TryCreate(start.Compilation, out var symbols))
            {
                return;
            }

            RelevantCode.RegisterOperationAction(start, operation => AnalyzeOr(operation, symbols), OperationKind.Binary);
        });
    }

    private static void AnalyzeOr(OperationAnalysisContext context, RuntimeSymbols symbols)
    {
        var or = (IBinaryOperation)context.Operation;
        if (!IsGfpOr(or, symbols) || (or.Parent is IBinaryOperation parent && IsGfpOr(parent, symbols)))
        {
            // Not a flag union, or not the top of its chain (the top analyses the whole chain once).
            return;
        }

        for (var ancestor = or.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            if (ancestor is IInvalidOperation || ancestor.Type is { TypeKind: TypeKind.Error })
            {
                // Part of an expression that does not bind: the user is still typing it.
                return;
            }
        }

        var operands = new List<IOperation>();
        Flatten(or, symbols, operands);
        var values = new uint?[operands.Count];
        for (var i = 0; i < operands.Count; i++)
        {
            if (operands[i].ConstantValue.HasValue && FlagEvaluator.TryToUInt32(operands[i].ConstantValue.Value, out var value))
            {
                values[i] = value;
            }
            else if (HasErrors(operands[i]))
            {
                return;
            }
        }

        var redundant = new bool[operands.Count];
        for (var i = operands.Count - 1; i >= 0; i--)
        {
            if (values[i] is not { } value || value == 0)
            {
                continue;
            }

            var including = Including(value, i, values, redundant);
            if (including.Count == 0)
            {
                continue;
            }

            redundant[i] = true;
            var includedIn = string.Join(" | ", including.ConvertAll(j => FlagEvaluator.TextOf(operands[j])));
            var operandText = FlagEvaluator.TextOf(operands[i]);
            context.ReportDiagnostic(Diagnostic.Create(
                Rule,
                operands[i].Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty
                    .Add(RedundantOperandProperty, operandText)
                    .Add(IncludedInProperty, includedIn),
                operandText,
                includedIn));
        }
    }

    /// <summary>
    /// The other (non-redundant) constant operands that together set every bit of <paramref name="value"/>:
    /// one operand when a single one does, else every operand that contributes a bit. Empty when not covered.
    /// </summary>
    private static List<int> Including(uint value, int index, uint?[] values, bool[] redundant)
    {
        uint others = 0;
        for (var j = 0; j < values.Length; j++)
        {
            if (j != index && !redundant[j] && values[j] is { } other)
            {
                if ((other & value) == value)
                {
                    return new List<int> { j };
                }

                others |= other;
            }
        }

        var including = new List<int>();
        if ((others & value) != value)
        {
            return including;
        }

        for (var j = 0; j < values.Length; j++)
        {
            if (j != index && !redundant[j] && values[j] is { } other && (other & value) != 0)
            {
                including.Add(j);
            }
        }

        return including;
    }

    private static bool IsGfpOr(IBinaryOperation operation, RuntimeSymbols symbols)
        => operation.OperatorKind == BinaryOperatorKind.Or && operation.OperatorMethod is null && symbols.IsGfp(operation.Type);

    private static void Flatten(IOperation operation, RuntimeSymbols symbols, List<IOperation> operands)
    {
        if (operation is IBinaryOperation binary && IsGfpOr(binary, symbols))
        {
            Flatten(binary.LeftOperand, symbols, operands);
            Flatten(binary.RightOperand, symbols, operands);
        }
        else
        {
            operands.Add(operation);
        }
    }

    private static bool HasErrors(IOperation operation)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            if (node is IInvalidOperation || node.Type is { TypeKind: TypeKind.Error })
            {
                return true;
            }
        }

        return false;
    }
}
