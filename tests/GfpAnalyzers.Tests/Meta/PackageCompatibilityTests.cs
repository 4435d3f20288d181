using System.Reflection;
using GfpAnalyzers.Analyzers.Rules;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// The package promises that its analyzers and fixes load in every compiler since Roslyn 4.8 (the .NET 8 SDK, Visual
/// Studio 17.8): an assembly that references a newer Microsoft.CodeAnalysis fails to load there (CS8032) and its rules
/// silently vanish. The compiler host also loads only netstandard2.0 analyzers everywhere.
/// </summary>
public class PackageCompatibilityTests
{
    private static readonly Version Roslyn48 = new(4, 8, 0, 0);

    public static TheoryData<string> ShippedAssemblies => new() { "GfpAnalyzers.Analyzers", "GfpAnalyzers.CodeFixes" };

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void References_no_Roslyn_newer_than_4_8(string assemblyName)
    {
        var assembly = Load(assemblyName);

        var tooNew = assembly.GetReferencedAssemblies()
            .Where(r => r.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) && r.Version > Roslyn48)
            .Select(r => r.FullName)
            .ToList();
        Assert.True(tooNew.Count == 0, $"{assemblyName} references: {string.Join(", ", tooNew)}");
    }

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void Targets_netstandard2_0(string assemblyName)
    {
        // A netstandard2.0 assembly binds its base types through netstandard 2.0.0.0, never System.Runtime.
        var references = Load(assemblyName).GetReferencedAssemblies();

        Assert.Contains(references, r => r.Name == "netstandard" && r.Version == new Version(2, 0, 0, 0));
        Assert.DoesNotContain(references, r => r.Name == "System.Runtime");
    }

    [Fact]
    public void Analyzers_do_not_reference_Workspaces()
    {
        // The command-line compiler has no Workspaces: an analyzer assembly that needs it does not load there.
        var references = Load("GfpAnalyzers.Analyzers").GetReferencedAssemblies().Select(r => r.Name).ToList();

        Assert.DoesNotContain(references, name => name!.Contains("Workspaces", StringComparison.Ordinal));
    }

    private static Assembly Load(string name)
        => name == typeof(DiagnosticIds).Assembly.GetName().Name ? typeof(DiagnosticIds).Assembly : Assembly.Load(new AssemblyName(name));
}
