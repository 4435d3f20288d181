using EarlyPfn;
using GfpAnalyzers.Runtime;

// v5 is here for its build output (the diagnostics), not to be run: see EarlyPfnTracker.RecordEarlyPfn.
var tracker = new EarlyPfnTracker(new PageAllocator(), new Rcu());
Console.WriteLine($"early-PFN tracker v5: {PfnPool.Capacity} PFNs per pool page");
_ = tracker;
return 0;
