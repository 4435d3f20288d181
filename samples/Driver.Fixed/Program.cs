using Driver;
using GfpAnalyzers.Runtime;

// Drives the repaired NIC fragment through what its contexts really are on the runtime model: the ring refill and
// the MTU change in process context, the rx interrupt in hardirq context, the watchdog timer in softirq context,
// the reset in a work item. The kernel log (one for the allocator and every lock) must hold no "BUG:" and no
// "WARNING:" afterwards; the last line says so.
var log = new KernelLog();
var allocator = new PageAllocator(new AllocatorOptions(), log);
var device = new NetDevice(allocator, log);

var filled = device.RefillRxRing();
for (var round = 0; round < 3; round++)
{
    for (var slot = 0; slot < 8; slot++)
    {
        var current = slot;
        Interrupts.RunHardirq(() => device.RxInterrupt(current), log);
    }
}

device.UpdateStats(delivered: false);
device.ChangeMtu(9000, Gfp.Kernel);
Interrupts.RunSoftirq(device.TxTimeout, log);
device.ResetWork();
device.Remove();

Console.WriteLine($"rx ring: {filled} buffers filled; {device.RxPackets} packets delivered, {device.RxDropped} dropped; mtu {device.Mtu}; reset pending: {device.ResetPending}");
foreach (var message in log.Messages)
{
    Console.WriteLine("  log: " + message);
}

var reports = log.Messages.Count(m => m.Contains("BUG:", StringComparison.Ordinal) || m.Contains("WARNING:", StringComparison.Ordinal));
Console.WriteLine(reports == 0 ? "OK: no BUG or WARNING in the kernel log" : $"FAILED: {reports} BUG/WARNING reports in the kernel log");
return reports == 0 ? 0 : 1;
