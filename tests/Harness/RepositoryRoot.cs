namespace GfpAnalyzers.Harness;

/// <summary>The checkout the running tool was built from: the samples and the tracker corpus are read from there.</summary>
internal static class RepositoryRoot
{
    /// <summary>The nearest directory above the running assembly that holds GfpAnalyzers.sln.</summary>
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GfpAnalyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GfpAnalyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
