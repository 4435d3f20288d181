using System.Globalization;
using System.Text.RegularExpressions;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// The README's rules table is what users read before they read code: every rule the analyzers report has a row with
/// its ID, title and default severity exactly as the descriptor has them, and there is no row for a rule that does
/// not exist. Compares whatever rules exist, so it holds at every stage of the catalogue.
/// </summary>
public class ReadmeRulesTableTests
{
    private static readonly Regex RuleId = new(@"\bGFP\d{3}\b", RegexOptions.CultureInvariant);

    [Fact]
    public void Every_rule_has_a_row_with_its_title_and_default_severity()
    {
        var rows = ReadRulesTable();
        var problems = new List<string>();
        foreach (var descriptor in AnalyzerCatalog.AllDescriptors())
        {
            var id = descriptor.Id;
            var title = descriptor.Title.ToString(CultureInfo.InvariantCulture);
            var severity = descriptor.DefaultSeverity.ToString();
            var matching = rows.Where(r => r.Id == id).ToList();
            if (matching.Count == 0)
            {
                problems.Add($"{id}: no row; expected | {id} | {title} | {severity} | ... |");
            }
            else if (matching.Count > 1)
            {
                problems.Add($"{id}: {matching.Count} rows; expected one");
            }
            else if (matching[0].Title != title || matching[0].Severity != severity)
            {
                problems.Add($"{id}: row says '{matching[0].Title}' / {matching[0].Severity}, the analyzer says '{title}' / {severity}");
            }
        }

        Assert.True(problems.Count == 0, "README.md rules table is out of date:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Every_row_is_a_rule_the_analyzers_report()
    {
        var supported = AnalyzerCatalog.AllDescriptors().Select(d => d.Id).ToHashSet();
        var stale = ReadRulesTable().Where(r => !supported.Contains(r.Id)).Select(r => r.Id).ToList();

        Assert.True(stale.Count == 0, "README.md rules table has rows for rules no analyzer reports: " + string.Join(", ", stale));
    }

    private sealed record Row(string Id, string Title, string Severity);

    /// <summary>
    /// The rows of the table under "## Rules" (header "| ID | Title | Default severity | Code fix |"). Cells are split
    /// on unescaped pipes; the ID cell may be a link ([GFP001](docs/rules/GFP001.md)).
    /// </summary>
    private static List<Row> ReadRulesTable()
    {
        var lines = File.ReadAllLines(Path.Combine(AnalyzerCatalog.RepositoryRoot(), "README.md"));
        var heading = Array.FindIndex(lines, l => l.Trim() == "## Rules");
        Assert.True(heading >= 0, "README.md has no '## Rules' section");

        var table = lines.Skip(heading + 1).SkipWhile(l => l.Trim().Length == 0).TakeWhile(l => l.TrimStart().StartsWith('|')).ToList();
        Assert.True(table.Count >= 2, "README.md '## Rules' section does not start with a table");
        var header = Cells(table[0]);
        Assert.Equal(["ID", "Title", "Default severity", "Code fix"], header);

        var rows = new List<Row>();
        foreach (var line in table.Skip(2))
        {
            var cells = Cells(line);
            Assert.True(cells.Count == header.Count, $"README.md rules table row has {cells.Count} cells, not {header.Count}: {line}");
            var id = RuleId.Match(cells[0]);
            Assert.True(id.Success, $"README.md rules table row names no GFP rule ID: {line}");
            rows.Add(new Row(id.Value, cells[1], cells[2]));
        }

        return rows;
    }

    private static List<string> Cells(string line)
    {
        var trimmed = line.Trim();
        var inner = trimmed.Substring(1, trimmed.EndsWith('|') && trimmed.Length > 1 ? trimmed.Length - 2 : trimmed.Length - 1);
        return Regex.Split(inner, @"(?<!\\)\|").Select(c => c.Trim().Replace("\\|", "|")).ToList();
    }
}
