namespace GfpAnalyzers.Fuzzer;

/// <summary>
/// Delta debugging by line: removes ever smaller chunks of lines while the failure (same kind and key) still
/// happens, within a time budget. What is left is the smallest input this search found, not a proof of minimality.
/// </summary>
internal static class Minimizer
{
    public static async Task<string> MinimizeAsync(string source, Func<string, Task<bool>> stillFails, TimeSpan budget)
    {
        var deadline = DateTime.UtcNow + budget;
        var lines = source.Split('\n').ToList();
        var chunk = Math.Max(1, lines.Count / 2);
        while (chunk >= 1 && DateTime.UtcNow < deadline)
        {
            var removedAny = false;
            for (var start = 0; start < lines.Count && DateTime.UtcNow < deadline;)
            {
                var candidate = lines.Take(start).Concat(lines.Skip(start + chunk)).ToList();
                if (candidate.Count > 0 && await stillFails(string.Join('\n', candidate)))
                {
                    lines = candidate;
                    removedAny = true;
                }
                else
                {
                    start += chunk;
                }
            }

            if (!removedAny)
            {
                chunk /= 2;
            }
        }

        return string.Join('\n', lines.Where(line => line.Trim().Length > 0));
    }
}
