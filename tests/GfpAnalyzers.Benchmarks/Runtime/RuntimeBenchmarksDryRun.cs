using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace GfpAnalyzers.Benchmarks.Runtime;

/// <summary>
/// Runs every runtime benchmark once per parameter combination, the way BenchmarkDotNet calls it (global setup,
/// iteration setup, the benchmark, cleanups), without timing anything: CI uses it so the benchmarks cannot rot.
/// </summary>
internal static class RuntimeBenchmarksDryRun
{
    public static int Run()
    {
        // Nothing is timed, so nothing needs optimised code: one warm-up round, the code path only.
        EarlyPfnBenchmarks.JitWarmup = TimeSpan.Zero;
        var types = typeof(RuntimeBenchmarksDryRun).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(RuntimeBenchmarksDryRun).Namespace && !t.IsAbstract
                && t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkAttribute))))
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        var runs = 0;
        foreach (var type in types)
        {
            foreach (var parameters in Combinations(type))
            {
                foreach (var benchmark in type.GetMethods().Where(m => m.IsDefined(typeof(BenchmarkAttribute))).OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    var instance = Activator.CreateInstance(type)!;
                    foreach (var (property, value) in parameters)
                    {
                        property.SetValue(instance, value);
                    }

                    Call<GlobalSetupAttribute>(instance);
                    Call<IterationSetupAttribute>(instance);
                    benchmark.Invoke(instance, null);
                    Call<IterationCleanupAttribute>(instance);
                    Call<GlobalCleanupAttribute>(instance);
                    runs++;
                }
            }
        }

        Console.WriteLine($"runtime benchmarks: {runs} benchmark cases ran once (dry run: no figures)");
        return runs > 0 ? 0 : 1;
    }

    private static IEnumerable<List<(PropertyInfo Property, object? Value)>> Combinations(Type type)
    {
        IEnumerable<List<(PropertyInfo, object?)>> combinations = [[]];
        foreach (var property in type.GetProperties().Where(p => p.IsDefined(typeof(ParamsAttribute))).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var values = property.GetCustomAttribute<ParamsAttribute>()!.Values;
            combinations = combinations.SelectMany(c => values.Select(v => new List<(PropertyInfo, object?)>(c) { (property, v) })).ToList();
        }

        return combinations;
    }

    private static void Call<TAttribute>(object instance) where TAttribute : Attribute
    {
        foreach (var method in instance.GetType().GetMethods().Where(m => m.IsDefined(typeof(TAttribute))))
        {
            method.Invoke(instance, null);
        }
    }
}
