using GfpAnalyzers.Analyzers.Relevance;
using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VerifySleepingCall = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP009SleepingCallInRcuSectionAnalyzer>;
using VerifyMightSleep = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP010MissingMightSleepAnalyzer>;

namespace GfpAnalyzers.Tests.Relevance;

/// <summary>
/// Visual Basic declares extension methods in a <c>Module</c>, which C# imports as a class that is not static; C# code
/// calls them like any extension method. A C# type that reaches the runtime only through such a method of a library
/// built on the runtime must pass the relevance gate, or every rule misses what the call does.
/// </summary>
public class VisualBasicModuleGateTests
{
    // A module of a library built on the runtime: extension methods that sleep (one of them called unnamed, by foreach)
    // or hand out the runtime's RCU, and a shared method that is no extension (C# reaches it only through the module's
    // name or `using static`).
    private const string Parking = """
        Imports System.Collections.Generic
        Imports System.Linq
        Imports System.Runtime.CompilerServices
        Imports GfpAnalyzers.Runtime

        Namespace Devices
            Public Module Parking
                <Extension>
                <MightSleep>
                Public Sub Park(ticks As Integer)
                End Sub

                <Extension>
                <MightSleep>
                Public Function Settle(name As String) As Integer
                    Return name.Length
                End Function

                <MightSleep>
                Public Sub Nap()
                End Sub

                <Extension>
                <MightSleep>
                Public Function GetEnumerator(count As Integer) As IEnumerator(Of Integer)
                    Return Enumerable.Range(0, count).GetEnumerator()
                End Function

                Private ReadOnly s_rcu As New Rcu()

                <Extension>
                Public Function Grace(ticks As Integer) As Rcu
                    Return s_rcu
                End Function
            End Module
        End Namespace
        """;

    private static readonly Lazy<Task<MetadataReference>> ParkingLibrary =
        new(() => LibraryReferences.VisualBasicAsync("Parking", [TestEnvironment.RuntimeReference], Parking));

    [Fact]
    public async Task A_MightSleep_extension_method_of_a_Visual_Basic_module_is_followed()
    {
        var parking = await ParkingLibrary.Value;
        var test = new VerifyMightSleep.Test
        {
            TestCode = """
                using Devices;

                public class Shutdown
                {
                    public void {|#0:Stop|}() => 3.Park();
                    public int {|#1:Drain|}(string queue) => queue.Settle();
                }
                """,
        };
        test.TestState.AdditionalReferences.Add(parking);
        test.ExpectedDiagnostics.Add(VerifyMightSleep.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(0)
            .WithArguments("Stop", "it calls 'Park', which is marked [MightSleep]"));
        test.ExpectedDiagnostics.Add(VerifyMightSleep.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(1)
            .WithArguments("Drain", "it calls 'Settle', which is marked [MightSleep]"));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_sleeping_extension_call_in_a_section_of_an_Rcu_that_an_extension_method_returns_is_reported()
    {
        // The type names no runtime type: the Rcu comes from one extension method, the sleep from another.
        var parking = await ParkingLibrary.Value;
        var test = new VerifySleepingCall.Test
        {
            TestCode = """
                using Devices;

                public class Poller
                {
                    public void Poll(int ticks)
                    {
                        var grace = ticks.Grace();
                        grace.ReadLock();
                        {|#0:ticks.Park()|};
                        grace.ReadUnlock();
                        ticks.Park();
                    }
                }
                """,
        };
        test.TestState.AdditionalReferences.Add(parking);
        test.ExpectedDiagnostics.Add(VerifySleepingCall.Diagnostic(GFP009SleepingCallInRcuSectionAnalyzer.SleepingCall).WithLocation(0)
            .WithArguments("Call to 'Park'", "inside the RCU read-side section entered at line 8", "'Park' is marked [MightSleep]"));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Only_the_extension_methods_of_a_module_built_on_the_runtime_open_the_gate()
    {
        var parking = await ParkingLibrary.Value;

        // The same shape in a library that does not reference the runtime: nothing of it can reach the runtime.
        var text = await LibraryReferences.VisualBasicAsync("Text", [], """
            Imports System.Runtime.CompilerServices

            Namespace Text
                Public Module Tidying
                    <Extension>
                    Public Function Tidy(value As String) As String
                        Return value.Trim()
                    End Function
                End Module
            End Namespace
            """);
        var compilation = await CompileAsync([parking, text], """
            using Devices;
            using Text;

            public class Parked { public void Run() => 3.Park(); }
            public class Looped { public void Run() { foreach (var i in 3) { } } }
            public class Tidied { public string Run(string name) => name.Tidy(); }
            public class Napper { public void Nap() { } public void Run() => Nap(); }
            """);

        Assert.True(MayMatter(compilation, "Parked"));
        Assert.True(MayMatter(compilation, "Looped"));
        Assert.False(MayMatter(compilation, "Tidied"));
        Assert.False(MayMatter(compilation, "Napper"));
    }

    [Fact]
    public async Task The_shared_methods_of_a_module_imported_with_using_static_open_the_gate()
    {
        var parking = await ParkingLibrary.Value;
        var compilation = await CompileAsync([parking], """
            using static Devices.Parking;

            public class Bare { public void Run() => Nap(); }
            public class Plain { public void Run() { } }
            """);

        Assert.True(MayMatter(compilation, "Bare"));
        Assert.False(MayMatter(compilation, "Plain"));
    }

    private static async Task<Compilation> CompileAsync(MetadataReference[] libraries, string source)
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var compilation = CSharpCompilation.Create(
            "Client",
            [CSharpSyntaxTree.ParseText(source)],
            framework.Add(TestEnvironment.RuntimeReference).AddRange(libraries),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }

    private static bool MayMatter(Compilation compilation, string metadataName)
        => RelevantTypes.Of(compilation).MayMatter(compilation.GetTypeByMetadataName(metadataName)!, CancellationToken.None);
}
