using System.Globalization;
using System.Text.RegularExpressions;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// The rules tables are what users read before they read code, in two READMEs: the repository's (for contributors,
/// linking docs/rules/ relatively) and the package's (build/GfpAnalyzers.Package/README.md, shown on the package page
/// and inside the .nupkg, where only absolute links work). In both, every rule the analyzers report has a row with its
/// ID, title and default severity exactly as the descriptor has them, there is no row for a rule that does not exist,
/// and the two tables say the same. Compares whatever rules exist, so it holds at every stage of the catalogue.
/// </summary>
public class ReadmeRulesTableTests
{
    private static readonly Regex RuleId = new(@"\bGFP\d{3}\b", RegexOptions.CultureInvariant);

    private const string RepositoryReadme = "README.md";
    private const string PackageReadme = "build/GfpAnalyzers.Package/README.md";

    [Theory]
    [InlineData(RepositoryReadme)]
    [InlineData(PackageReadme)]
    public void Every_rule_has_a_row_with_its_title_and_default_severity(string readme)
    {
        var rows = ReadRulesTable(readme);
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

        Assert.True(problems.Count == 0, readme + " rules table is out of date (fix README.md, then run build/sync-package-readme.py):\n"
            + string.Join("\n", problems));
    }

    [Theory]
    [InlineData(RepositoryReadme)]
    [InlineData(PackageReadme)]
    public void Every_row_is_a_rule_the_analyzers_report(string readme)
    {
        var supported = AnalyzerCatalog.AllDescriptors().Select(d => d.Id).ToHashSet();
        var stale = ReadRulesTable(readme).Where(r => !supported.Contains(r.Id)).Select(r => r.Id).ToList();

        Assert.True(stale.Count == 0, readme + " rules table has rows for rules no analyzer reports: " + string.Join(", ", stale));
    }

    [Fact]
    public void The_repository_table_links_each_rule_page_and_the_package_table_its_help_link()
    {
        var root = AnalyzerCatalog.RepositoryRoot();
        var helpLinks = AnalyzerCatalog.AllDescriptors().ToDictionary(d => d.Id, d => d.HelpLinkUri);
        foreach (var row in ReadRulesTable(RepositoryReadme))
        {
            Assert.Equal($"docs/rules/{row.Id}.md", row.Link);
            Assert.True(File.Exists(Path.Combine(root, "docs", "rules", row.Id + ".md")), row.Id + ": no docs/rules page");
        }

        foreach (var row in ReadRulesTable(PackageReadme))
        {
            Assert.Equal(helpLinks[row.Id], row.Link);
        }
    }

    [Fact]
    public void The_two_tables_say_the_same_apart_from_the_links()
    {
        static IEnumerable<string> Cells(IEnumerable<Row> rows) => rows.Select(r => $"{r.Id} | {r.Title} | {r.Severity} | {r.CodeFix}");

        // The repair: build/sync-package-readme.py copies the repository table into the package README.
        Assert.True(
            Cells(ReadRulesTable(RepositoryReadme)).SequenceEqual(Cells(ReadRulesTable(PackageReadme))),
            "The package README's rules table differs from README.md's: run build/sync-package-readme.py");
    }

    [Fact]
    public void The_package_readme_has_only_absolute_links()
    {
        // Relative links (docs/rules/..., #anchors into files that are not there) are dead on a package page.
        var text = File.ReadAllText(Path.Combine(AnalyzerCatalog.RepositoryRoot(), PackageReadme));
        var targets = Regex.Matches(text, @"\]\(([^)\s]+)").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(targets);
        Assert.All(targets, target => Assert.StartsWith("https://", target, StringComparison.Ordinal));
    }

    private sealed record Row(string Id, string Link, string Title, string Severity, string CodeFix);

    /// <summary>
    /// The rows of the table under "## Rules" (header "| ID | Title | Default severity | Code fix |"). Cells are split
    /// on unescaped pipes; the ID cell is a link ([GFP001](docs/rules/GFP001.md)), whose target is kept.
    /// </summary>
    private static List<Row> ReadRulesTable(string readme)
    {
        var lines = File.ReadAllLines(Path.Combine(AnalyzerCatalog.RepositoryRoot(), readme));
        var heading = Array.FindIndex(lines, l => l.Trim() == "## Rules");
        Assert.True(heading >= 0, readme + " has no '## Rules' section");

        var table = lines.Skip(heading + 1).SkipWhile(l => l.Trim().Length == 0).TakeWhile(l => l.TrimStart().StartsWith('|')).ToList();
        Assert.True(table.Count >= 2, readme + " '## Rules' section does not start with a table");
        var header = Cells(table[0]);
        Assert.Equal(["ID", "Title", "Default severity", "Code fix"], header);

        var rows = new List<Row>();
        foreach (var line in table.Skip(2))
        {
            var cells = Cells(line);
            Assert.True(cells.Count == header.Count, $"{readme} rules table row has {cells.Count} cells, not {header.Count}: {line}");
            var id = RuleId.Match(cells[0]);
            Assert.True(id.Success, $"{readme} rules table row names no GFP rule ID: {line}");
            var link = Regex.Match(cells[0], @"\]\(([^)]+)\)");
            rows.Add(new Row(id.Value, link.Success ? link.Groups[1].Value : "", cells[1], cells[2], cells[3]));
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
