using GfpAnalyzers.CodeFixes;
using GfpAnalyzers.Tests.Verifiers;
using Fix = GfpAnalyzers.Tests.CodeFixes.FixTest<GfpAnalyzers.Analyzers.Rules.GFP008UnbalancedRcuReadLockAnalyzer, GfpAnalyzers.CodeFixes.GFP008UnbalancedRcuReadLockCodeFix>;

namespace GfpAnalyzers.Tests.CodeFixes;

/// <summary>GFP008 → "Release the lock on this path".</summary>
public class GFP008UnbalancedRcuReadLockCodeFixTests
{
    private const string Key = GFP008UnbalancedRcuReadLockCodeFix.EquivalenceKey;

    [Fact]
    public async Task Early_return_gets_the_unlock_under_its_condition()
    {
        const string source = TestEnvironment.Usings + """
            class Hook
            {
                private readonly Rcu _rcu = new();
                private readonly RcuPointer<System.Action<ulong>> _fn = new();

                void OnAllocation(ulong pfn)
                {
                    _rcu.ReadLock();
                    var fn = _fn.Dereference();
                    if (fn is null)
                        {|GFP008:return;|}
                    fn(pfn);
                    _rcu.ReadUnlock();
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Hook
            {
                private readonly Rcu _rcu = new();
                private readonly RcuPointer<System.Action<ulong>> _fn = new();

                void OnAllocation(ulong pfn)
                {
                    _rcu.ReadLock();
                    var fn = _fn.Dereference();
                    if (fn is null)
                    {
                        _rcu.ReadUnlock();
                        return;
                    }
                    fn(pfn);
                    _rcu.ReadUnlock();
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task A_returned_value_is_still_computed_inside_the_section()
    {
        const string source = TestEnvironment.Usings + """
            class Reader
            {
                private readonly RcuPointer<string> _name = new();

                int Length(Rcu rcu)
                {
                    rcu.ReadLock();
                    {|GFP008:return _name.Dereference()?.Length ?? 0;|}
                }
            }
            """;
        const string fixedSource = TestEnvironment.Usings + """
            class Reader
            {
                private readonly RcuPointer<string> _name = new();

                int Length(Rcu rcu)
                {
                    rcu.ReadLock();
                    var result = _name.Dereference()?.Length ?? 0;
                    rcu.ReadUnlock();
                    return result;
                }
            }
            """;
        await Fix.VerifyAsync(source, fixedSource, Key);
    }

    [Fact]
    public async Task Fix_all_releases_on_every_leaking_exit_of_a_method_and_in_other_files()
    {
        const string first = TestEnvironment.Usings + """
            class A
            {
                int M(Rcu rcu, int n)
                {
                    rcu.ReadLock();
                    if (n < 0)
                        {|GFP008:return -1;|}
                    if (n == 0)
                    {
                        {|GFP008:return 0;|}
                    }
                    rcu.ReadUnlock();
                    return n;
                }
            }
            """;
        const string second = TestEnvironment.Usings + """
            class B
            {
                void M(Rcu rcu)
                {
                    rcu.ReadLock();
                    System.Console.WriteLine("in section");
                {|GFP008:}|}
            }
            """;
        const string firstFixed = TestEnvironment.Usings + """
            class A
            {
                int M(Rcu rcu, int n)
                {
                    rcu.ReadLock();
                    if (n < 0)
                    {
                        rcu.ReadUnlock();
                        return -1;
                    }
                    if (n == 0)
                    {
                        rcu.ReadUnlock();
                        return 0;
                    }
                    rcu.ReadUnlock();
                    return n;
                }
            }
            """;
        const string secondFixed = TestEnvironment.Usings + """
            class B
            {
                void M(Rcu rcu)
                {
                    rcu.ReadLock();
                    System.Console.WriteLine("in section");
                    rcu.ReadUnlock();
                }
            }
            """;
        await Fix.VerifyAsync(new[] { first, second }, new[] { firstFixed, secondFixed }, Key);
    }

    [Fact]
    public async Task Not_offered_for_an_unlock_without_a_lock()
    {
        const string source = TestEnvironment.Usings + """
            class C
            {
                void M(Rcu rcu)
                {
                    rcu.ReadLock();
                    rcu.ReadUnlock();
                    {|GFP008:rcu.ReadUnlock()|};
                }
            }
            """;
        await Fix.VerifyNotOfferedAsync(source, Key);
    }
}
