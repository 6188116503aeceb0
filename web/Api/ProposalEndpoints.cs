using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SalesOrleans.Documents;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Web.Api;

/// <summary>Generated papers: the commercial proposal PDF of a deal, attached to its current stage.</summary>
public static class ProposalEndpoints
{
    public static void MapProposalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/deals/{id:guid}/proposal", AttachProposal).Requires(Capability.DealDocumentAttach, Resource.Deal()).WithTags("Deals");
    }

    private static async Task<Results<Created<DealView>, ProblemHttpResult>> AttachProposal(Guid id, ClaimsPrincipal user, IProposalService proposals, CancellationToken ct)
    {
        var (result, documentId) = await proposals.AttachProposalAsync(id, user.Actor(), ct);
        return result.Ok ? TypedResults.Created($"/api/deals/{id}/documents/{documentId}", result.Deal) : Problems.From(result.Error!);
    }
}
