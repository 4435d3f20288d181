using System.Text;

namespace GfpAnalyzers.Benchmarks.Corpus;

/// <summary>One generated source file.</summary>
internal sealed record GeneratedFile(string Name, string Text, bool IsAllocatorCode, int Lines);

/// <summary>
/// Generates the benchmark corpus: allocator-style files (RCU sections in every form, flag arithmetic, flags passed
/// through helpers, NoCodetag pools, allocation hooks) and ordinary business files (records, LINQ, text, streams),
/// half of the lines each, every file 200–400 lines. The same seed and size always give the same files, so runs of
/// the benchmark on different commits measure the same code.
/// </summary>
internal static class CorpusGenerator
{
    public const int DefaultSeed = 20261130;

    public static IReadOnlyList<GeneratedFile> Generate(int targetLines, int seed = DefaultSeed)
    {
        var random = new Random(seed);
        var files = new List<GeneratedFile>();
        var lines = 0;
        while (lines < targetLines)
        {
            var index = files.Count;
            var allocator = index % 2 == 0;
            var fileLines = random.Next(200, 401);
            var text = allocator
                ? AllocatorTemplates.File(index, fileLines, random)
                : BusinessTemplates.File(index, fileLines, random);
            var count = CountLines(text);
            files.Add(new GeneratedFile(allocator ? $"Allocator{index:D4}.cs" : $"Business{index:D4}.cs", text, allocator, count));
            lines += count;
        }

        return files;
    }

    public static int CountLines(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>Writes a class of generated methods until the file reaches its line budget.</summary>
internal sealed class FileWriter(int budget)
{
    private readonly StringBuilder _text = new();

    public int Lines { get; private set; }

    public bool Full => Lines >= budget;

    public void Add(string block)
    {
        var text = block.EndsWith('\n') ? block : block + "\n";
        _text.Append(text);
        Lines += CorpusGenerator.CountLines(text);
    }

    public override string ToString() => _text.ToString();
}
