using GfpAnalyzers.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace GfpAnalyzers.Tests.Verifiers;

/// <summary>What every test compilation references: .NET 10 and the real runtime assembly.</summary>
internal static class TestEnvironment
{
    /// <summary>
    /// The runtime targets net10.0, so test compilations need references at least that new.
    /// 10.0.0 is not served by the local registry; 10.0.12 is.
    /// </summary>
    public static readonly ReferenceAssemblies Net10 = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"),
        Path.Combine("ref", "net10.0"));

    public static readonly MetadataReference RuntimeReference =
        MetadataReference.CreateFromFile(typeof(Gfp).Assembly.Location);

    /// <summary>The usings every snippet gets, so tests read like user code.</summary>
    public const string Usings = "using GfpAnalyzers.Runtime;\n";

    public static void Configure(SolutionState state)
    {
        state.AdditionalReferences.Add(RuntimeReference);
    }
}
