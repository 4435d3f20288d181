using GfpAnalyzers.Runtime;

namespace Driver;

/// <summary>
/// samples/Driver's NIC fragment, repaired. Each change is one a kernel tree makes for that bug; the comment at the
/// changed line says which and why.
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
    private volatile bool _resetPending;

    public long RxPackets => Interlocked.Read(ref _rxPackets);

    public long RxDropped => Interlocked.Read(ref _rxDropped);

    public int Mtu => Volatile.Read(ref _mtu);

    public bool ResetPending => _resetPending;

    /// <summary>Refills the empty ring slots: preallocate, then install under the lock.</summary>
    public int RefillRxRing()
    {
        var filled = 0;
        for (var slot = 0; slot < RingSize; slot++)
        {
            // Allocate before taking the lock, where sleeping is allowed; give the page back if the slot got filled meanwhile.
            var page = allocator.AllocPage(Gfp.Kernel);
            if (page is null)
            {
                break;
            }

            var flags = _ringLock.LockIrqSave();
            var installed = _rxRing[slot] is null;
            if (installed)
            {
                _rxRing[slot] = page;
            }

            _ringLock.UnlockIrqRestore(flags);
            if (installed)
            {
                filled++;
            }
            else
            {
                allocator.FreePage(page);
            }
        }

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
            _rxRing[slot] = AllocRxBuffer(Gfp.High); // GFP_ATOMIC without kswapd: the strict preset reports kswapd wake-ups in every atomic context
        }

        UpdateStats(delivered: true);
    }

    /// <summary>Counts a packet. Called with interrupts on or off.</summary>
    public void UpdateStats(bool delivered)
    {
        // A guard releases on every path, the early return included. And _irqsave: the rx interrupt counts packets
        // too, so taking this lock with interrupts on could deadlock against it (lockdep: inconsistent lock state).
        using var guard = _statsLock.GuardIrqSave();
        if (delivered)
        {
            _rxPackets++;
            return;
        }

        _rxDropped++;
    }

    /// <summary>Changes the MTU: reallocates every rx buffer at the new size, with the hardware quiesced.</summary>
    public void ChangeMtu(int mtu, Gfp gfp)
    {
        using var config = _configLock.Lock(); // a mutex: may sleep, fine here
        // The caller's flags may sleep: allocate every new buffer before taking the spinlock, swap under it, free after.
        var fresh = new Page?[RingSize];
        for (var slot = 0; slot < RingSize; slot++)
        {
            fresh[slot] = allocator.AllocPage(gfp);
        }

        var flags = _ringLock.LockIrqSave();
        Volatile.Write(ref _mtu, mtu);
        for (var slot = 0; slot < RingSize; slot++)
        {
            (_rxRing[slot], fresh[slot]) = (fresh[slot], _rxRing[slot]);
        }

        _ringLock.UnlockIrqRestore(flags);
        foreach (var old in fresh)
        {
            if (old is not null)
            {
                allocator.FreePage(old);
            }
        }
    }

    /// <summary>The watchdog timer: a timer cannot take the mutex, so it only schedules the reset.</summary>
    [RunsInAtomicContext]
    public void TxTimeout() => _resetPending = true;

    /// <summary>The reset work item (schedule_work()): runs in process context, where the mutex may sleep.</summary>
    [MightSleep]
    public void ResetWork()
    {
        if (!_resetPending)
        {
            return;
        }

        using var config = _configLock.Lock();
        Volatile.Write(ref _mtu, Math.Max(Mtu, 68));
        _resetPending = false;
    }

    /// <summary>Frees every buffer still in the ring (device removal).</summary>
    public void Remove()
    {
        var flags = _ringLock.LockIrqSave();
        var pages = _rxRing.ToArray();
        Array.Clear(_rxRing);
        _ringLock.UnlockIrqRestore(flags);
        foreach (var page in pages)
        {
            if (page is not null)
            {
                allocator.FreePage(page);
            }
        }
    }

    private void DeliverToStack(Page page) => allocator.FreePage(page);
}
