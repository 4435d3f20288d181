using EarlyPfn;
using GfpAnalyzers.Runtime;

// v5 is here for its build output (the diagnostics), not to be run: see EarlyPfnRecorder.RecordEarlyPfn.
var recorder = new EarlyPfnRecorder(new PageAllocator());
Console.WriteLine($"early-PFN tracker v5: {PfnPoolNode.Capacity} PFNs per pool page, {recorder.PoolPages} in use");
return 0;
