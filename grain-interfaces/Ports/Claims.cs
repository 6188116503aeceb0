namespace SalesOrleans.Claims;

/// <summary>The satisfaction call after a won deal: recording the survey completes its task (grains: SatisfactionCalls).</summary>
public interface ISatisfactionCalls
{
    Task CompleteAsync(DealView deal, int score, string? comment, ActorInfo actor);
}
