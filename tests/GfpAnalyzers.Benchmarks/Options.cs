using System.Globalization;

namespace GfpAnalyzers.Benchmarks;

/// <summary>The few command-line options of the benchmark commands: <c>--name value</c> pairs.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 1; i + 1 < args.Length; i++)
        {
            // "--name value"; a flag such as --no-server has no value and is read from args directly.
            if (args[i].StartsWith("--", StringComparison.Ordinal) && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                options._values[args[i]] = args[++i];
            }
        }

        return options;
    }

    public string OutDirectory => _values.TryGetValue("--out", out var value)
        ? Path.GetFullPath(value)
        : Path.Combine(Path.GetTempPath(), "gfpanalyzers-bench");

    public int Int(string name, int fallback)
        => _values.TryGetValue(name, out var value) ? Positive(name, value) : fallback;

    public string? Text(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public IReadOnlyList<int> Sizes(IReadOnlyList<int> fallback)
        => _values.TryGetValue("--sizes", out var value)
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Positive("--sizes", v)).ToList()
            : fallback;

    private static int Positive(string name, string value)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} takes a positive integer, not '{value}'.");
}
