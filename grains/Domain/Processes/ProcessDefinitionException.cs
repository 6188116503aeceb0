namespace SalesOrleans.Domain.Processes;

/// <summary>A process definition that cannot be read or used; carries every problem found, not just the first.</summary>
public sealed class ProcessDefinitionException : Exception
{
    public ProcessDefinitionException(IReadOnlyList<string> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    public ProcessDefinitionException(IReadOnlyList<string> problems, Exception inner)
        : base(Describe(problems), inner)
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems) =>
        problems.Count switch
        {
            0 => "The process definition is invalid.",
            1 => $"The process definition is invalid: {problems[0]}",
            _ => $"The process definition has {problems.Count} problems:{Environment.NewLine}- {string.Join($"{Environment.NewLine}- ", problems)}",
        };
}
