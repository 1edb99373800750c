using OpenElb.Dashboard.IntegrationTests.WebApp;

namespace OpenElb.Dashboard.IntegrationTests.Auth;

/// <summary>Every answer carries the security headers; each page gets its own script nonce.</summary>
public sealed class SecurityHeadersTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/api/v1/topology")]
    [InlineData("/healthz")]
    [InlineData("/not-a-page")]
    public async Task Answer_CarriesTheSecurityHeaders(string path)
    {
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self' 'nonce-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Page_ImportMapCarriesTheNonceOfItsOwnAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = DashboardFactory.Demo();
        await app.WaitForSyncAsync();
        using var client = app.CreateClient();

        using var first = await client.GetAsync("/", ct);
        using var second = await client.GetAsync("/", ct);

        var nonce = System.Text.RegularExpressions.Regex.Match(Assert.Single(first.Headers.GetValues("Content-Security-Policy")), "'nonce-([^']+)'").Groups[1].Value;
        var html = await first.Content.ReadAsStringAsync(ct);
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(nonce, Assert.Single(second.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }
}
