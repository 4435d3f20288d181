namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// The severity presets shipped in the package (build/presets/*.globalconfig) cover every rule the analyzers report:
/// a rule missing from "strict" would silently stay a warning in the CI gates that rely on it.
/// </summary>
public class PresetTests
{
    [Theory]
    [InlineData("recommended")]
    [InlineData("strict")]
    public void Preset_is_a_global_config_that_sets_every_rule(string preset)
    {
        var settings = ReadPreset(preset, out var isGlobal);

        Assert.True(isGlobal, $"{preset}.globalconfig must say is_global = true, or the compiler treats it as an .editorconfig");
        var missing = AnalyzerCatalog.AllDescriptors().Select(d => d.Id).Where(id => !settings.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"{preset}.globalconfig sets no severity for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Strict_makes_every_rule_an_error()
    {
        var settings = ReadPreset("strict", out _);

        var notErrors = settings.Where(s => s.Value != "error").Select(s => $"{s.Key} = {s.Value}").ToList();
        Assert.True(notErrors.Count == 0, "strict.globalconfig has rules that are not errors: " + string.Join(", ", notErrors));
    }

    /// <summary>The preset's <c>dotnet_diagnostic.GFPnnn.severity</c> entries, by rule ID.</summary>
    private static Dictionary<string, string> ReadPreset(string preset, out bool isGlobal)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        isGlobal = false;
        foreach (var raw in File.ReadAllLines(Path.Combine(AnalyzerCatalog.RepositoryRoot(), "build", "presets", preset + ".globalconfig")))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=');
            if (line.StartsWith('#') || line.StartsWith(';') || eq < 0)
            {
                continue;
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (key == "is_global")
            {
                isGlobal = value == "true";
            }
            else if (key.StartsWith("dotnet_diagnostic.GFP", StringComparison.Ordinal) && key.EndsWith(".severity", StringComparison.Ordinal))
            {
                settings.Add(key["dotnet_diagnostic.".Length..^".severity".Length], value);
            }
        }

        return settings;
    }
}
