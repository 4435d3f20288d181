namespace GfpAnalyzers.Analyzers.Rules;

/// <summary>Every rule ID the package reports, in one place.</summary>
internal static class DiagnosticIds
{
    public const string SleepingAllocationInAtomicContext = "GFP001";
    public const string KswapdWakeupInAtomicContext = "GFP002";
    public const string InheritedFlagsInAtomicContext = "GFP003";
    public const string NoCodetagPageFreedWithoutClear = "GFP004";
    public const string NoFailWithoutDirectReclaim = "GFP005";
    public const string RedundantFlag = "GFP006";
    public const string HookAllocationWithoutNoCodetag = "GFP007";
    public const string UnbalancedRcuReadLock = "GFP008";
    public const string SleepingCallInRcuSection = "GFP009";
    public const string MissingMightSleep = "GFP010";
}
