using GfpAnalyzers.Analyzers.Rules;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = GfpAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer>;

namespace GfpAnalyzers.Tests.Analyzers;

/// <summary>
/// GFP008 when a loop is a method's last statement: the loop's condition, once false, leaves the method through its
/// end, and a lock still held there leaks like any other. Line 1 is the usings line.
/// </summary>
public class GFP008LoopAtEndTests
{
    private static string Code(string body) => TestEnvironment.Usings + """
        class C
        {
            readonly KSpinLock _lock = new();
            bool _more;

        """ + body + "\n}\n";

    private static DiagnosticResult Leak(int location, int line, string method)
        => VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(location)
            .WithArguments("'_lock'", "is still held", "spin_lock", $"line {line}", method, "reaches its end");

    [Theory]
    [InlineData("while (_more) { _more = false; }")]
    [InlineData("for (var i = 0; i < 3; i++) { _more = !_more; }")]
    [InlineData("do { _more = false; } while (_more);")]
    public async Task A_lock_still_held_after_a_closing_loop_is_reported_at_the_end(string loop)
    {
        var source = Code($$"""
                void Drain()
                {
                    _lock.Lock();
                    {{loop}}
                {|#0:}|}
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Leak(0, 8, "Drain"));
    }

    [Fact]
    public async Task A_closing_loop_after_an_early_return_still_reports_both_exits()
    {
        var source = Code("""
                void Drain(bool quick)
                {
                    _lock.Lock();
                    if (quick)
                        {|#0:return;|}
                    while (_more) { _more = false; }
                {|#1:}|}
            """);
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(GFP008UnbalancedRcuReadLockAnalyzer.LockLeftHeld).WithLocation(0)
                .WithArguments("'_lock'", "is still held", "spin_lock", "line 8", "Drain", "returns at line 10"),
            Leak(1, 8, "Drain"));
    }

    [Fact]
    public async Task A_closing_loop_that_releases_before_the_end_is_quiet()
    {
        var source = Code("""
                void Drain()
                {
                    _lock.Lock();
                    _lock.Unlock();
                    while (_more) { _lock.Lock(); _more = false; _lock.Unlock(); }
                }

                void Nested()
                {
                    while (_more)
                    {
                        _lock.Lock();
                        _more = false;
                        _lock.Unlock();
                    }
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task A_loop_whose_condition_leaves_holding_the_lock_on_some_paths_only_is_not_called_a_leak_of_every_path()
    {
        // The lock is taken in the loop and released before the next test: when the loop ends, nothing is held.
        var source = Code("""
                void Poll()
                {
                    while (_more)
                    {
                        _lock.Lock();
                        _more = false;
                        _lock.Unlock();
                    }
                }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
