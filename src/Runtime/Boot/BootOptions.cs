namespace GfpAnalyzers.Runtime;

/// <summary>The machine a <see cref="KernelBoot"/> boots on and the early-PFN tracker it uses.</summary>
public sealed record BootOptions
{
    /// <summary>NR_CPUS of x86-64's largest configuration.</summary>
    public const int MaxCpus = 8192;

    /// <summary>Possible CPUs (1..<see cref="MaxCpus"/>); early allocations grow with them.</summary>
    public int Cpus { get; init; } = 256;

    /// <summary>Memory in MiB; null sizes it for the CPU count (512 MiB plus 256 KiB per CPU, in 256 MiB steps).</summary>
    public long? MemoryMiB { get; init; }

    /// <summary>NUMA nodes; CPUs are spread over them round-robin.</summary>
    public int Nodes { get; init; } = 2;

    /// <summary>Which early-PFN tracker mem_init installs.</summary>
    public EarlyPfnTrackerDesign Tracker { get; init; } = EarlyPfnTrackerDesign.PfnPoolList;

    /// <summary>Bring secondary CPUs up in parallel (several threads allocate through the tracker at once).</summary>
    public bool ParallelBringup { get; init; } = true;

    /// <summary>The memory size used: <see cref="MemoryMiB"/> or the size derived from <see cref="Cpus"/>.</summary>
    public long EffectiveMemoryMiB => MemoryMiB ?? ((512 + (Cpus / 4) + 255) / 256 * 256);

    internal void Validate()
    {
        if (Cpus is < 1 or > MaxCpus)
        {
            throw new ArgumentOutOfRangeException(nameof(Cpus), Cpus, $"Cpus must be between 1 and {MaxCpus}.");
        }

        if (EffectiveMemoryMiB < 64 || EffectiveMemoryMiB > AllocatorOptions.MaxTotalPages / 256)
        {
            throw new ArgumentOutOfRangeException(nameof(MemoryMiB), MemoryMiB, $"MemoryMiB must be between 64 and {AllocatorOptions.MaxTotalPages / 256}.");
        }

        if (Nodes is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Nodes), Nodes, "Nodes must be between 1 and 64.");
        }
    }
}
