using EarlyPfn;

// Boots the page-allocator model with the v6 tracker recording every page allocated before page_ext exists, then
// brings page_ext up and clears the recorded pages' tag references. (Until the runtime's boot API lands, this only
// reports the tracker's shape: the runtime's methods are stubs.)
Console.WriteLine($"early-PFN tracker v6: {PfnPool.Capacity} PFNs per pool page, no limit on pool pages");
return 0;
