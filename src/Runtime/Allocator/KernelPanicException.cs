namespace GfpAnalyzers.Runtime;

/// <summary>
/// The model hit a state in which Linux panics, such as a <c>__GFP_NOFAIL</c> allocation with no memory,
/// no reclaimable memory and no process the OOM killer could kill.
/// </summary>
public sealed class KernelPanicException : Exception
{
    /// <summary>Creates the exception with Linux's panic message.</summary>
    public KernelPanicException(string message) : base(message) { }

    /// <summary>Creates the exception with no message.</summary>
    public KernelPanicException() { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public KernelPanicException(string message, Exception innerException) : base(message, innerException) { }
}
