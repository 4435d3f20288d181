using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP010MissingMightSleepAnalyzer>;

namespace GfpAnalyzers.Tests.Relevance;

/// <summary>
/// A library built on a library built on the runtime: the second library never references the runtime itself, yet
/// its types hand out the first library's [MightSleep] members. Code that names only the second library's types
/// must still be analysed.
/// </summary>
public class LibraryChainGateTests
{
    [Fact]
    public async Task Code_that_reaches_a_MightSleep_method_through_a_library_that_does_not_reference_the_runtime_is_analysed()
    {
        var devices = await LibraryReferences.CSharpAsync("Devices", [TestEnvironment.RuntimeReference], TestEnvironment.Usings + """
            public class Device
            {
                [MightSleep]
                public void Flush() { }
            }
            """);
        var drivers = await LibraryReferences.CSharpAsync("Drivers", [devices], """
            public static class DeviceTable
            {
                public static Device Open(int index) => new Device();
            }

            public class NetDevice : Device { }
            """);

        var test = new VerifyCS.Test
        {
            TestCode = """
                public class Shutdown
                {
                    public void {|#0:Stop|}() => DeviceTable.Open(0).Flush();
                    public void {|#1:StopNet|}(NetDevice device) => device.Flush();
                }
                """,
        };
        test.TestState.AdditionalReferences.Add(devices);
        test.TestState.AdditionalReferences.Add(drivers);
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(0)
            .WithArguments("Stop", "it calls 'Flush', which is marked [MightSleep]"));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(GFP010MissingMightSleepAnalyzer.Rule).WithLocation(1)
            .WithArguments("StopNet", "it calls 'Flush', which is marked [MightSleep]"));
        await test.RunAsync(CancellationToken.None);
    }
}
