// Evaluates one Gfp expression tree to a FlagValue.
//
//   FlagEvaluator.Evaluate(IOperation expression, RuntimeSymbols symbols) -> FlagValue
//
// The cheap, per-expression evaluator: constants (Gfp members, literals, const fields and locals),
// | & ^ ~, conversions and the conditional operator are exact; variables, parameters, fields,
// properties and calls are unknown sources with provenance. FlagValueAnalysis derives from it and
// replaces variable reads/writes with the state of the control-flow graph.
//
// Depth: operator chains (`a | b | c | ...`, either side nested) are walked with an explicit stack, so their
// length never reaches the call stack; every other kind of nesting is bounded by MaxDepth. Past the bound the
// evaluator gives up: the value is Invalid (rules say nothing) and DepthLimitReached tells a derived analysis
// that writes below the bound were not seen.
using GfpAnalyzers.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GfpAnalyzers.Analyzers.FlagValues;

/// <summary>Evaluates <c>Gfp</c> expressions; the base evaluator treats every variable as unknown.</summary>
internal class FlagEvaluator
{
    private const int MaxDescriptionLength = 60;

    /// <summary>
    /// Nesting (other than operator chains) followed before giving up: far above what hand-written code nests,
    /// far below what overflows a thread's stack.
    /// </summary>
    internal const int MaxDepth = 200;

    private int _depth;

    /// <summary>The value of an operation whose type is not tracked (never part of a message).</summary>
    private static readonly FlagValue NotAFlag = FlagValue.Unknown(FlagOriginKind.Unknown, "a value that is not a flag", null);

    /// <summary>
    /// Captures of a variable itself (the graph captures an assignment's target before evaluating a
    /// conditional right-hand side): writing through the capture writes the variable.
    /// </summary>
    private readonly System.Collections.Generic.Dictionary<CaptureId, ISymbol> _capturedVariables;

    /// <summary>The values of constant operations and constant members, by operation (see <see cref="VisitCore"/>).</summary>
    private readonly System.Collections.Generic.Dictionary<IOperation, FlagValue> _constants;

    /// <summary>
    /// The unknown sources described so far, by operation (with the kind they were described as): a description depends
    /// on the operation alone, and the graph analysis visits a block again on every round and for every set of paths
    /// (each description reads the syntax's text and makes a location).
    /// </summary>
    private readonly System.Collections.Generic.Dictionary<IOperation, (FlagOriginKind Kind, FlagValue Value)> _sources;

    /// <summary>The frames of the operator chains being evaluated (see <see cref="VisitOperatorChain"/>).</summary>
    private readonly System.Collections.Generic.List<ChainFrame> _chain;

    private readonly Scratch _scratch;

    /// <summary>The collections of the last evaluator released on this thread, empty, for the next one (see <see cref="Release"/>).</summary>
    [System.ThreadStatic]
    private static Scratch? s_spareScratch;

    protected FlagEvaluator(RuntimeSymbols symbols)
    {
        Symbols = symbols;

        // Taken, not shared: an evaluator made while this one works (a nested one) gets collections of its own.
        _scratch = s_spareScratch ?? new Scratch();
        s_spareScratch = null;
        _capturedVariables = _scratch.CapturedVariables;
        _constants = _scratch.Constants;
        _sources = _scratch.Sources;
        _chain = _scratch.Chain;
    }

    protected RuntimeSymbols Symbols { get; }

    /// <summary>True once an expression nested deeper than <see cref="MaxDepth"/> was left unevaluated.</summary>
    public bool DepthLimitReached { get; private set; }

    /// <summary>The value of a single expression, without following variables through the method.</summary>
    public static FlagValue Evaluate(IOperation expression, RuntimeSymbols symbols)
    {
        var evaluator = new FlagEvaluator(symbols);
        var value = evaluator.Visit(expression);
        var depthLimitReached = evaluator.DepthLimitReached;
        evaluator.Release();
        return depthLimitReached ? FlagValue.Invalid : value;
    }

    /// <summary>True for the types whose values the analysis tracks: <c>Gfp</c> and the integral types.</summary>
    public bool IsTracked(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (Symbols.IsGfp(type))
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Evaluates <paramref name="operation"/> (and the side effects of its children, in order).</summary>
    public FlagValue Visit(IOperation? operation)
    {
        if (operation is null)
        {
            return FlagValue.Invalid;
        }

        if (_depth >= MaxDepth)
        {
            DepthLimitReached = true;
            return FlagValue.Invalid;
        }

        _depth++;
        try
        {
            var value = IsChainLink(operation) ? VisitOperatorChain((IBinaryOperation)operation) : VisitCore(operation);
            if (IsTracked(operation.Type))
            {
                Record(operation, value);
            }

            return value;
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>Reads a local or parameter. The base evaluator does not follow variables.</summary>
    protected virtual FlagValue ReadVariable(ISymbol variable, IOperation reference)
        => variable is IParameterSymbol parameter
            ? UnknownParameter(parameter)
            : FlagValue.Unknown(FlagOriginKind.Variable, $"variable '{variable.Name}'", variable.Locations.FirstOrNone());

    /// <summary>
    /// Writes a local or parameter (of any type: <paramref name="valueOperation"/>, when known, is what was
    /// assigned, so a derived analysis can follow <c>bool</c> conditions too).
    /// </summary>
    protected virtual void WriteVariable(ISymbol variable, FlagValue value, IOperation? valueOperation)
    {
    }

    /// <summary>Reads a flow capture (control-flow graphs only).</summary>
    protected virtual FlagValue ReadCapture(CaptureId id, IOperation reference) => Describe(FlagOriginKind.Unknown, reference);

    /// <summary>Writes a flow capture (control-flow graphs only).</summary>
    protected virtual void WriteCapture(CaptureId id, FlagValue value)
    {
    }

    /// <summary>Called with the value of every tracked operation visited.</summary>
    protected virtual void Record(IOperation operation, FlagValue value)
    {
    }

    protected static FlagValue UnknownParameter(IParameterSymbol parameter)
        => FlagValue.Unknown(FlagOriginKind.Parameter, $"parameter '{parameter.Name}'", parameter.Locations.FirstOrNone());

    private FlagValue VisitCore(IOperation operation)
    {
        if (operation.Kind == OperationKind.Invalid || operation.Type is { TypeKind: TypeKind.Error })
        {
            VisitChildren(operation);
            return FlagValue.Invalid;
        }

        if (operation.ConstantValue.HasValue && IsTracked(operation.Type))
        {
            // Constants do not depend on the state: evaluate each once (the graph analysis revisits blocks).
            if (!_constants.TryGetValue(operation, out var known))
            {
                known = TryToUInt32(operation.ConstantValue.Value, out var constant) ? VisitConstant(operation, constant) : FlagValue.Invalid;
                _constants[operation] = known;
            }

            return known;
        }

        // Dispatched on the kind first: the type tests (interface casts) of the cases above an operation's own were most
        // of the time spent here. Each kind is that of the interface tested with it, so the same case is taken.
        switch (operation.Kind)
        {
            case OperationKind.LocalReference when operation is ILocalReferenceOperation local:
                return ReadVariable(local.Local, local);

            case OperationKind.ParameterReference when operation is IParameterReferenceOperation parameter:
                return ReadVariable(parameter.Parameter, parameter);

            case OperationKind.FlowCaptureReference when operation is IFlowCaptureReferenceOperation captureReference:
                return ReadCapture(captureReference.Id, captureReference);

            case OperationKind.FlowCapture when operation is IFlowCaptureOperation capture:
            {
                switch (capture.Value)
                {
                    case ILocalReferenceOperation local:
                        _capturedVariables[capture.Id] = local.Local;
                        break;
                    case IParameterReferenceOperation parameter:
                        _capturedVariables[capture.Id] = parameter.Parameter;
                        break;
                }

                var value = Visit(capture.Value);
                WriteCapture(capture.Id, value);
                return value;
            }

            case OperationKind.SimpleAssignment when operation is ISimpleAssignmentOperation assignment:
                return VisitSimpleAssignment(assignment);

            case OperationKind.CompoundAssignment when operation is ICompoundAssignmentOperation compound:
                return VisitCompoundAssignment(compound);

            case OperationKind.Conversion when operation is IConversionOperation conversion:
            {
                var operand = Visit(conversion.Operand);
                if (operand.HasErrors)
                {
                    return FlagValue.Invalid;
                }

                return conversion.OperatorMethod is null && IsTracked(conversion.Operand.Type)
                    ? operand
                    : Describe(conversion.OperatorMethod is null ? FlagOriginKind.Unknown : FlagOriginKind.Call, conversion);
            }

            case OperationKind.Binary when operation is IBinaryOperation binary:
                // Reached only for operations IsChainLink declines (they have errors): Visit walks the others.
                VisitChildren(binary);
                return FlagValue.Invalid;

            case OperationKind.Unary when operation is IUnaryOperation { OperatorKind: UnaryOperatorKind.BitwiseNegation, OperatorMethod: null } negation:
                return FlagValue.Not(Visit(negation.Operand));

            case OperationKind.Conditional when operation is IConditionalOperation { WhenFalse: not null } conditional:
            {
                // Only outside control-flow graphs, which lower conditionals into flow captures.
                Visit(conditional.Condition);
                var whenTrue = Visit(conditional.WhenTrue);
                var whenFalse = Visit(conditional.WhenFalse);
                return whenTrue.Join(whenFalse);
            }

            case OperationKind.FieldReference when operation is IFieldReferenceOperation field:
                VisitChildren(field);
                if (ConstantMember(field) is { } fieldValue)
                {
                    return fieldValue;
                }

                return !IsTracked(field.Type)
                    ? NotAFlag
                    : Described(field, FlagOriginKind.Field) ?? Remember(field, FlagOriginKind.Field, FlagValue.Unknown(FlagOriginKind.Field, $"field '{field.Field.Name}'", field.Field.Locations.FirstOrNone()));

            case OperationKind.PropertyReference when operation is IPropertyReferenceOperation property:
                VisitChildren(property);
                if (ConstantMember(property) is { } propertyValue)
                {
                    return propertyValue;
                }

                return !IsTracked(property.Type)
                    ? NotAFlag
                    : Described(property, FlagOriginKind.Property) ?? Remember(property, FlagOriginKind.Property, FlagValue.Unknown(FlagOriginKind.Property, $"property '{property.Property.Name}'", property.Property.Locations.FirstOrNone()));

            case OperationKind.Invocation when operation is IInvocationOperation invocation:
                VisitChildren(invocation);
                WriteRefArguments(invocation.Arguments, invocation.TargetMethod);
                if (invocation.Arguments.IsEmpty
                    && ConstantMember(invocation) is { } returned)
                {
                    return returned;
                }

                return !IsTracked(invocation.Type)
                    ? NotAFlag
                    : Described(invocation, FlagOriginKind.Call) ?? Remember(invocation, FlagOriginKind.Call, FlagValue.Unknown(FlagOriginKind.Call, $"call to '{invocation.TargetMethod.Name}'", invocation.Syntax.GetLocation()));

            case OperationKind.Increment or OperationKind.Decrement when operation is IIncrementOrDecrementOperation increment:
            {
                var before = Visit(increment.Target);
                WriteTarget(increment.Target, Describe(FlagOriginKind.Unknown, increment));
                return before.HasErrors ? FlagValue.Invalid : Describe(FlagOriginKind.Unknown, increment);
            }

            case OperationKind.DeconstructionAssignment when operation is IDeconstructionAssignmentOperation deconstruction:
                VisitChildren(deconstruction);
                foreach (var target in deconstruction.Target.DescendantsAndSelf())
                {
                    WriteTarget(target, FlagValue.Unknown(FlagOriginKind.Unknown, $"expression '{TextOf(deconstruction.Value)}'", deconstruction.Value.Syntax.GetLocation()));
                }

                return Describe(FlagOriginKind.Unknown, deconstruction);

            case OperationKind.DeclarationPattern when operation is IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol declared } pattern:
                WriteVariable(declared, FlagValue.Unknown(FlagOriginKind.Variable, $"variable '{declared.Name}'", declared.Locations.FirstOrNone()), null);
                VisitChildren(pattern);
                return Describe(FlagOriginKind.Unknown, pattern);

            default:
                VisitChildren(operation);
                return Describe(FlagOriginKind.Unknown, operation);
        }
    }

    /// <summary>
    /// The constant a member reference (a field, a property, a parameterless call) always yields (see
    /// <see cref="ConstantMembers"/>), or null. Computed once per operation: the graph analysis revisits blocks, and the
    /// check reads the member's declaring syntax. Members that cannot qualify (not readonly, not of type Gfp) are
    /// declined before the cache, and a description is written only for a member that does qualify.
    /// </summary>
    private FlagValue? ConstantMember(IOperation operation)
    {
        var candidate = operation switch
        {
            IFieldReferenceOperation { Field: var field } => field.HasConstantValue || (field.IsReadOnly && Symbols.IsGfp(field.Type)),
            IPropertyReferenceOperation { Property: var property } => property.IsReadOnly && !property.IsIndexer && Symbols.IsGfp(property.Type),
            IInvocationOperation { TargetMethod: var method } => method.Parameters.IsEmpty && Symbols.IsGfp(method.ReturnType),
            _ => false,
        };
        if (!candidate)
        {
            return null;
        }

        if (!_constants.TryGetValue(operation, out var known))
        {
            known = EvaluateMember(operation, out var description) is { } constant
                ? FlagValue.Constant(constant, description!, operation.Syntax.GetLocation())
                : FlagValue.Invalid;
            _constants[operation] = known;
        }

        return known.HasErrors ? null : known;
    }

    private uint? EvaluateMember(IOperation operation, out string? description)
    {
        uint value;
        switch (operation)
        {
            case IFieldReferenceOperation { Field: var field } when ConstantMembers.TryGetField(field, Symbols, out value):
                description = $"readonly field '{field.Name}'";
                return value;
            case IPropertyReferenceOperation { Property: var property } when ConstantMembers.TryGetProperty(property, Symbols, out value):
                description = $"property '{property.Name}'";
                return value;
            case IInvocationOperation { TargetMethod: var method } when ConstantMembers.TryGetMethod(method, Symbols, out value):
                description = $"call to '{method.Name}'";
                return value;
            default:
                description = null;
                return null;
        }
    }

    private FlagValue VisitConstant(IOperation operation, uint constant)
    {
        switch (operation)
        {
            case IFieldReferenceOperation { Field: { IsConst: true } field }:
                return FlagValue.Constant(
                    constant,
                    Symbols.IsGfp(field.ContainingType) ? "Gfp." + field.Name : $"const '{field.Name}'",
                    operation.Syntax.GetLocation());

            case ILocalReferenceOperation { Local: { IsConst: true } local }:
                return FlagValue.Constant(constant, $"const '{local.Name}'", operation.Syntax.GetLocation());

            case IConversionOperation { OperatorMethod: null } conversion when conversion.Operand.ConstantValue.HasValue:
            {
                var operand = Visit(conversion.Operand);
                return operand.Must == constant && operand.May == constant ? operand : Describe(constant, operation);
            }

            default:
                // Literals and constant &, ^, ~ expressions are one source each, named by their text.
                return Describe(constant, operation);
        }
    }

    private FlagValue VisitSimpleAssignment(ISimpleAssignmentOperation assignment)
    {
        if (assignment.IsRef)
        {
            // A ref alias: neither side can be followed any more (the derived analysis marks them escaped).
            VisitChildren(assignment);
            return Describe(FlagOriginKind.Unknown, assignment);
        }

        VisitTargetChildren(assignment.Target);
        var value = Visit(assignment.Value);
        WriteTarget(assignment.Target, value, assignment.Value);
        return value;
    }

    private FlagValue VisitCompoundAssignment(ICompoundAssignmentOperation compound)
    {
        var current = Visit(compound.Target);
        var operand = Visit(compound.Value);
        var userDefined = compound.OperatorMethod is not null || compound.InConversion.IsUserDefined || compound.OutConversion.IsUserDefined;
        var result = userDefined
            ? Describe(FlagOriginKind.Call, compound)
            : Apply(compound.OperatorKind, current, operand) ?? Describe(FlagOriginKind.Unknown, compound);
        WriteTarget(compound.Target, result);
        return result;
    }

    /// <summary>
    /// True for a binary operation evaluated from its operands (a chain link): a non-constant one, or a constant
    /// <c>|</c> not yet evaluated (a constant union keeps its operands as separate sources: "DirectReclaim from
    /// Gfp.Kernel"). Other constants are one source each and are not walked.
    /// </summary>
    private bool IsChainLink(IOperation operation)
    {
        // The kind first: an interface test for every operation visited is a visible share of the visit.
        if (operation.Kind != OperationKind.Binary || operation is not IBinaryOperation binary || operation.Type is { TypeKind: TypeKind.Error })
        {
            return false;
        }

        if (!operation.ConstantValue.HasValue || !IsTracked(operation.Type))
        {
            return true;
        }

        return binary is { OperatorKind: BinaryOperatorKind.Or, OperatorMethod: null }
            && !_constants.ContainsKey(operation)
            && TryToUInt32(operation.ConstantValue.Value, out _);
    }

    /// <summary>
    /// Evaluates a tree of binary operations left operand first, then right, as the recursive walk would, with an
    /// explicit stack: chains of any length (and either nesting) cost no call-stack depth. The stack is the
    /// evaluator's own, reused by every chain (an operand may hold a chain of its own: it works above this one's frames).
    /// </summary>
    private FlagValue VisitOperatorChain(IBinaryOperation root)
    {
        var stack = _chain;
        var bottom = stack.Count;
        stack.Add(new ChainFrame(root));
        try
        {
            while (true)
            {
                var top = stack.Count - 1;
                var frame = stack[top];
                if (frame.Step < 2)
                {
                    var operand = frame.Step == 0 ? frame.Binary.LeftOperand : frame.Binary.RightOperand;
                    frame.Step++;
                    stack[top] = frame;
                    if (IsChainLink(operand))
                    {
                        stack.Add(new ChainFrame((IBinaryOperation)operand));
                        continue;
                    }

                    var operandValue = Visit(operand);
                    frame = stack[top];
                    frame.Complete(operandValue);
                    stack[top] = frame;
                    continue;
                }

                var value = CombineOperands(frame.Binary, frame.Left, frame.Right);
                stack.RemoveAt(top);
                if (top == bottom)
                {
                    // The root: Visit records it.
                    return value;
                }

                if (IsTracked(frame.Binary.Type))
                {
                    Record(frame.Binary, value);
                }

                var parent = stack[top - 1];
                parent.Complete(value);
                stack[top - 1] = parent;
            }
        }
        finally
        {
            if (stack.Count > bottom)
            {
                stack.RemoveRange(bottom, stack.Count - bottom);
            }
        }
    }

    /// <summary>One binary operation of a chain: which operand comes next, and the values so far.</summary>
    private struct ChainFrame
    {
        public ChainFrame(IBinaryOperation binary)
        {
            Binary = binary;
            Step = 0;
            Left = FlagValue.Invalid;
            Right = FlagValue.Invalid;
        }

        public IBinaryOperation Binary { get; }

        /// <summary>0: visit the left operand; 1: the right one; 2: combine.</summary>
        public int Step { get; set; }

        public FlagValue Left { get; private set; }

        public FlagValue Right { get; private set; }

        /// <summary>Stores the value of the operand last visited (Step already points past it).</summary>
        public void Complete(FlagValue value)
        {
            if (Step == 1)
            {
                Left = value;
            }
            else
            {
                Right = value;
            }
        }
    }

    /// <summary>The value of a chain link from its operands' values (what VisitCore would compute).</summary>
    private FlagValue CombineOperands(IBinaryOperation binary, FlagValue left, FlagValue right)
    {
        if (binary.ConstantValue.HasValue && IsTracked(binary.Type) && TryToUInt32(binary.ConstantValue.Value, out var constant))
        {
            var union = FlagValue.Or(left, right);
            var known = union.Must == constant && union.May == constant ? union : Describe(constant, binary);
            _constants[binary] = known;
            return known;
        }

        if (binary.OperatorMethod is not null)
        {
            return Describe(FlagOriginKind.Call, binary);
        }

        return Apply(binary.OperatorKind, left, right) ?? (left.HasErrors || right.HasErrors
            ? FlagValue.Invalid
            : Describe(FlagOriginKind.Unknown, binary));
    }

    private static FlagValue? Apply(BinaryOperatorKind kind, FlagValue left, FlagValue right)
        => kind switch
        {
            BinaryOperatorKind.Or => FlagValue.Or(left, right),
            BinaryOperatorKind.And => FlagValue.And(left, right),
            BinaryOperatorKind.ExclusiveOr => FlagValue.Xor(left, right),
            _ => null,
        };

    private void VisitChildren(IOperation operation)
    {
        foreach (var child in operation.ChildOperations)
        {
            Visit(child);
        }
    }

    /// <summary>Side effects of an assignment target other than the write itself (a field's receiver, an indexer's arguments).</summary>
    private void VisitTargetChildren(IOperation target)
    {
        if (target is ILocalReferenceOperation or IParameterReferenceOperation or IFlowCaptureReferenceOperation)
        {
            return;
        }

        VisitChildren(target);
    }

    private void WriteTarget(IOperation target, FlagValue value, IOperation? valueOperation = null)
    {
        switch (target)
        {
            case ILocalReferenceOperation local:
                WriteVariable(local.Local, value, valueOperation);
                break;
            case IParameterReferenceOperation parameter:
                WriteVariable(parameter.Parameter, value, valueOperation);
                break;
            case IFlowCaptureReferenceOperation capture when _capturedVariables.TryGetValue(capture.Id, out var variable):
                WriteVariable(variable, value, valueOperation);
                break;
        }
    }

    /// <summary>After a call, locals passed by <c>ref</c> or <c>out</c> hold whatever the callee left there.</summary>
    private void WriteRefArguments(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, IMethodSymbol method)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out)
            {
                foreach (var target in argument.Value.DescendantsAndSelf())
                {
                    WriteTarget(target, FlagValue.Unknown(FlagOriginKind.Call, $"call to '{method.Name}'", argument.Syntax.GetLocation()));
                }
            }
        }
    }

    private static FlagValue Describe(uint constant, IOperation operation)
        => FlagValue.Constant(constant, constant == 0 ? "0" : TextOf(operation), operation.Syntax.GetLocation());

    /// <summary>An unknown source named by its text; operations of other types get a shared value (their text is never shown).</summary>
    private FlagValue Describe(FlagOriginKind kind, IOperation operation)
        => IsTracked(operation.Type)
            ? Described(operation, kind) ?? Remember(operation, kind, FlagValue.Unknown(kind, $"expression '{TextOf(operation)}'", operation.Syntax.GetLocation()))
            : NotAFlag;

    /// <summary>The value <paramref name="operation"/> was described as before, as a source of this kind, or null.</summary>
    private FlagValue? Described(IOperation operation, FlagOriginKind kind)
        => _sources.TryGetValue(operation, out var known) && known.Kind == kind ? known.Value : null;

    private FlagValue Remember(IOperation operation, FlagOriginKind kind, FlagValue value)
    {
        _sources[operation] = (kind, value);
        return value;
    }

    /// <summary>
    /// Hands this evaluator's collections, emptied, to the next evaluator made on this thread (a graph's analysis makes
    /// one per graph: their growth was a good share of its garbage). Call it last: the evaluator must not be used after.
    /// </summary>
    protected void Release() => s_spareScratch = _scratch.ClearIfSmall() ? _scratch : s_spareScratch;

    /// <summary>The collections an evaluator fills, reused from one evaluator to the next on a thread.</summary>
    private sealed class Scratch
    {
        /// <summary>Collections that grew past this many entries are dropped, not kept: clearing them would cost every later graph.</summary>
        private const int MaxKeptEntries = 1024;

        public System.Collections.Generic.Dictionary<CaptureId, ISymbol> CapturedVariables { get; } = new();

        public System.Collections.Generic.Dictionary<IOperation, FlagValue> Constants { get; } = new(OperationIdentityComparer.Instance);

        public System.Collections.Generic.Dictionary<IOperation, (FlagOriginKind Kind, FlagValue Value)> Sources { get; } = new(OperationIdentityComparer.Instance);

        public System.Collections.Generic.List<ChainFrame> Chain { get; } = new();

        /// <summary>Empties the collections (no operation of a finished graph kept alive); false when they are too large to keep.</summary>
        public bool ClearIfSmall()
        {
            if (CapturedVariables.Count > MaxKeptEntries || Constants.Count > MaxKeptEntries || Sources.Count > MaxKeptEntries || Chain.Count > MaxKeptEntries)
            {
                return false;
            }

            CapturedVariables.Clear();
            Constants.Clear();
            Sources.Clear();
            Chain.Clear();
            return true;
        }
    }

    /// <summary>The source text of an operation on one line (runs of spaces and line breaks as one space), shortened for messages.</summary>
    internal static string TextOf(IOperation operation)
    {
        // A parsed tree's text is the source, and a node's ToString is its span of it: a substring, without the writer
        // and builder ToString goes through.
        var syntax = operation.Syntax;
        var text = syntax.SyntaxTree.TryGetText(out var source) ? source.ToString(syntax.Span) : syntax.ToString();
        if (text.Length <= MaxDescriptionLength && IsOnOneLine(text))
        {
            return text;
        }

        // Collapse only as far as a message shows: one character past the limit says whether to shorten.
        var collapsed = new System.Text.StringBuilder(MaxDescriptionLength + 1);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsSeparator(c))
            {
                pendingSpace = collapsed.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                collapsed.Append(' ');
                pendingSpace = false;
            }

            collapsed.Append(c);
            if (collapsed.Length > MaxDescriptionLength)
            {
                break;
            }
        }

        return collapsed.Length <= MaxDescriptionLength
            ? collapsed.ToString()
            : collapsed.ToString(0, MaxDescriptionLength - 3) + "...";
    }

    /// <summary>True when collapsing whitespace would change nothing: no line breaks or tabs, single inner spaces.</summary>
    private static bool IsOnOneLine(string text)
    {
        if (text.Length > 0 && (text[0] == ' ' || text[text.Length - 1] == ' '))
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\t' or '\r' or '\n' || (text[i] == ' ' && text[i + 1] == ' '))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSeparator(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Reinterprets any integral or enum constant as its low 32 bits (what <c>(Gfp)x</c> keeps).</summary>
    internal static bool TryToUInt32(object? value, out uint result)
    {
        switch (value)
        {
            case int v: result = unchecked((uint)v); return true;
            case uint v: result = v; return true;
            case long v: result = unchecked((uint)v); return true;
            case ulong v: result = unchecked((uint)v); return true;
            case short v: result = unchecked((uint)v); return true;
            case ushort v: result = v; return true;
            case byte v: result = v; return true;
            case sbyte v: result = unchecked((uint)v); return true;
            case char v: result = v; return true;
            default:
                result = 0;
                return false;
        }
    }
}

internal static class LocationExtensions
{
    public static Location? FirstOrNone(this System.Collections.Immutable.ImmutableArray<Location> locations)
        => locations.IsDefaultOrEmpty ? null : locations[0];
}
