using System.Text;
using System.Text.Json.Nodes;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>Writes JSON responses the way the API server does: <c>application/json</c>, compact.</summary>
internal static class HttpJson
{
    public const string ContentType = "application/json";

    public static async Task WriteAsync(HttpContext context, int statusCode, JsonNode body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = ContentType;
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }

    public static async Task<JsonNode> ReadAsync(HttpContext context)
    {
        try
        {
            var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return node ?? throw Store.ApiException.BadRequest("the request body is empty");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Store.ApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
    }
}
