using GfpAnalyzers.Runtime;

namespace Driver;

/// <summary>
/// The skeleton of a NIC driver (think of a small PCI Ethernet driver): a receive ring whose empty slots are refilled
/// with fresh pages, per-device statistics, and an MTU change that reconfigures the hardware. As first ported, it
/// sleeps in atomic context in the ways real drivers did; each line the build reports says which rule and why.
/// </summary>
public sealed class NetDevice(PageAllocator allocator, KernelLog log)
{
    private const int RingSize = 8;

    private readonly Page?[] _rxRing = new Page?[RingSize];
    private readonly KSpinLock _ringLock = new("rx_ring_lock", log); // protects _rxRing, taken from the rx interrupt
    private readonly KSpinLock _statsLock = new("stats_lock", log);  // protects _rxPackets and _rxDropped
    private readonly KMutex _configLock = new("config_mutex", log);  // serialises reconfiguration (may sleep)
    private long _rxPackets;
    private long _rxDropped;
    private int _mtu = 1500;

    public long RxPackets => Interlocked.Read(ref _rxPackets);

    public long RxDropped => Interlocked.Read(ref _rxDropped);

    /// <summary>Refills the empty ring slots. GFP_KERNEL under spin_lock_irqsave: the classic.</summary>
    public int RefillRxRing()
    {
        var filled = 0;
        var flags = _ringLock.LockIrqSave();
        for (var slot = 0; slot < RingSize; slot++)
        {
            if (_rxRing[slot] is null)
            {
                _rxRing[slot] = allocator.AllocPage(Gfp.Kernel); // GFP001 reported here: DirectReclaim
                filled += _rxRing[slot] is null ? 0 : 1;
            }
        }

        _ringLock.UnlockIrqRestore(flags);
        return filled;
    }

    /// <summary>A page for one rx buffer, with whatever flags the caller can afford.</summary>
    private Page? AllocRxBuffer(Gfp gfp) => allocator.AllocPage(gfp | Gfp.NoWarn);

    /// <summary>The rx interrupt handler: hands one filled buffer up the stack and replaces it.</summary>
    [RunsInAtomicContext]
    public void RxInterrupt(int slot)
    {
        using (_ringLock.Lock())
        {
            var page = _rxRing[slot];
            if (page is null)
            {
                return;
            }

            DeliverToStack(page);
            _rxRing[slot] = AllocRxBuffer(Gfp.Kernel); // GFP009 reported here: 'AllocRxBuffer' allocates with its parameter 'gfp'
        }

        UpdateStats(delivered: true);
    }

    /// <summary>Counts a packet. Called with interrupts on or off.</summary>
    public void UpdateStats(bool delivered)
    {
        _statsLock.Lock();
        if (delivered)
        {
            _rxPackets++;
        }
        else
        {
            _rxDropped++;
            return; // GFP008 reported here
        }

        _statsLock.Unlock();
    }

    /// <summary>Changes the MTU: reallocates every rx buffer at the new size, with the hardware quiesced.</summary>
    public void ChangeMtu(int mtu, Gfp gfp)
    {
        _configLock.Lock(); // a mutex: may sleep, fine here
        var flags = _ringLock.LockIrqSave();
        _mtu = mtu;
        for (var slot = 0; slot < RingSize; slot++)
        {
            if (_rxRing[slot] is { } old)
            {
                allocator.FreePage(old);
            }

            _rxRing[slot] = allocator.AllocPage(gfp); // GFP003 reported here: DirectReclaim
        }

        _ringLock.UnlockIrqRestore(flags);
        _configLock.Unlock();
    }

    /// <summary>The watchdog timer: resets a stuck device.</summary>
    [RunsInAtomicContext]
    public void TxTimeout()
    {
        using var guard = _configLock.Lock(); // GFP009 reported here: mutex '_configLock'
        _mtu = Math.Max(_mtu, 68);
    }

    private void DeliverToStack(Page page) => allocator.FreePage(page);
}
