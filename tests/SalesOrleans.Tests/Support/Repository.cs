namespace SalesOrleans.Tests.Support;

/// <summary>The checkout the tests run from: for tests that read the pages, the docs or the code itself.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SalesOrleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SalesOrleans.sln not found above " + AppContext.BaseDirectory);
    }
}
