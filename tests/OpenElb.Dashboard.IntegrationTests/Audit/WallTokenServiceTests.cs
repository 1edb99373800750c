using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenElb.Dashboard.Audit;
using OpenElb.Dashboard.Model;

namespace OpenElb.Dashboard.IntegrationTests.Audit;

/// <summary>The wall token service on a real SQLite audit file, as one dashboard instance would run it.</summary>
public sealed class WallTokenServiceTests
{
    private static readonly ClaimsPrincipal s_admin = User("alice", "admin");
    private static readonly ClaimsPrincipal s_viewer = User("victor", "viewer");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ClaimsPrincipal User(string name, params string[] roles)
        => new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
            authenticationType: "test"));

    [Fact]
    public async Task Create_Validate_Revoke_TokenStopsValidatingAndRevokedIsRaised()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));
        var revoked = new List<Guid>();
        instance.Tokens.Revoked += revoked.Add;

        var created = await instance.Tokens.CreateAsync("  NOC wall  ", null, s_admin, Ct);

        Assert.Equal("NOC wall", created.Record.Name);
        Assert.Equal("alice", created.Record.CreatedBy);
        Assert.Equal(new WallTokenIdentity(created.Record.Id, "NOC wall"), instance.Tokens.Validate(created.Token));
        Assert.True(instance.Tokens.IsActive(created.Record.Id));
        Assert.Empty(revoked);

        Assert.True(await instance.Tokens.RevokeAsync(created.Record.Id, s_admin, Ct));

        Assert.Null(instance.Tokens.Validate(created.Token));
        Assert.False(instance.Tokens.IsActive(created.Record.Id));
        Assert.Equal([created.Record.Id], revoked);
        var listed = Assert.Single(await instance.Tokens.ListAsync(Ct));
        Assert.Equal(WallTokenState.Revoked, listed.StateAt(instance.Time.GetUtcNow()));
        Assert.Equal("alice", listed.RevokedBy);
        // A second revocation changes nothing and raises nothing.
        Assert.False(await instance.Tokens.RevokeAsync(created.Record.Id, s_admin, Ct));
        Assert.Single(revoked);
    }

    [Fact]
    public async Task Create_Token_HasPrefixAnd32RandomBytesAndDiffersEachTime()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));

        var first = await instance.Tokens.CreateAsync("wall 1", null, s_admin, Ct);
        var second = await instance.Tokens.CreateAsync("wall 2", null, s_admin, Ct);

        Assert.StartsWith("owt_", first.Token, StringComparison.Ordinal);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(first.Token.AsSpan(4)).Length);
        Assert.NotEqual(first.Token, second.Token);
        Assert.DoesNotContain(first.Token, first.ToString(), StringComparison.Ordinal);
        Assert.Equal(new WallTokenIdentity(second.Record.Id, "wall 2"), instance.Tokens.Validate(second.Token));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("owt_")]
    [InlineData("not-a-token")]
    public async Task Validate_MalformedOrUnknown_IsNull(string? presented)
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));
        var created = await instance.Tokens.CreateAsync("wall", null, s_admin, Ct);

        Assert.Null(instance.Tokens.Validate(presented));
        // The right shape but another token, and the real token with one character changed.
        Assert.Null(instance.Tokens.Validate(WallTokenService.NewToken()));
        var altered = created.Token[..^1] + (created.Token[^1] == 'A' ? 'B' : 'A');
        Assert.Null(instance.Tokens.Validate(altered));
        Assert.NotNull(instance.Tokens.Validate(created.Token));
    }

    [Fact]
    public async Task Validate_AtExpiry_IsNullAndListSaysExpired()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));
        var expires = AuditHarness.T0 + TimeSpan.FromHours(1);
        var created = await instance.Tokens.CreateAsync("lobby", expires, s_admin, Ct);

        instance.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(instance.Tokens.Validate(created.Token));
        Assert.True(instance.Tokens.IsActive(created.Record.Id));

        instance.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(instance.Tokens.Validate(created.Token));
        Assert.False(instance.Tokens.IsActive(created.Record.Id));
        var listed = Assert.Single(await instance.Tokens.ListAsync(Ct));
        Assert.Equal(expires, listed.ExpiresAt);
        Assert.Equal(WallTokenState.Expired, listed.StateAt(instance.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Create_ExpiryNotInFuture_IsRefused()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));

        var ex = await Assert.ThrowsAsync<WallTokenException>(() => instance.Tokens.CreateAsync("wall", AuditHarness.T0, s_admin, Ct));

        Assert.Contains("future", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await instance.Tokens.ListAsync(Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Create_BlankName_IsRefused(string name)
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));

        await Assert.ThrowsAsync<WallTokenException>(() => instance.Tokens.CreateAsync(name, null, s_admin, Ct));

        Assert.Empty(await instance.Tokens.ListAsync(Ct));
    }

    [Fact]
    public async Task Create_NameLength_100AllowedAnd101Refused()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));

        await instance.Tokens.CreateAsync(new string('a', 100), null, s_admin, Ct);
        var ex = await Assert.ThrowsAsync<WallTokenException>(() => instance.Tokens.CreateAsync(new string('b', 101), null, s_admin, Ct));

        Assert.Contains("100", ex.Message, StringComparison.Ordinal);
        Assert.Single(await instance.Tokens.ListAsync(Ct));
    }

    [Fact]
    public async Task Create_DuplicateName_RefusedWhileActiveAllowedOnceRevokedOrExpired()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));
        var first = await instance.Tokens.CreateAsync("NOC wall", AuditHarness.T0 + TimeSpan.FromHours(1), s_admin, Ct);

        var ex = await Assert.ThrowsAsync<WallTokenException>(() => instance.Tokens.CreateAsync("noc WALL ", null, s_admin, Ct));
        Assert.Contains("already", ex.Message, StringComparison.Ordinal);

        await instance.Tokens.RevokeAsync(first.Record.Id, s_admin, Ct);
        var second = await instance.Tokens.CreateAsync("NOC wall", AuditHarness.T0 + TimeSpan.FromHours(1), s_admin, Ct);
        await Assert.ThrowsAsync<WallTokenException>(() => instance.Tokens.CreateAsync("NOC wall", null, s_admin, Ct));

        instance.Time.Advance(TimeSpan.FromHours(1));
        var third = await instance.Tokens.CreateAsync("NOC wall", null, s_admin, Ct);

        Assert.Equal(3, (await instance.Tokens.ListAsync(Ct)).Count);
        Assert.Null(instance.Tokens.Validate(second.Token));
        Assert.NotNull(instance.Tokens.Validate(third.Token));
    }

    [Fact]
    public async Task Store_HoldsTheHashOnly_TheTokenIsNowhereInTheDatabaseFiles()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        string token;
        Guid id;
        await using (var instance = await Instance.StartAsync(path))
        {
            var created = await instance.Tokens.CreateAsync("NOC wall", null, s_admin, Ct);
            token = created.Token;
            id = created.Record.Id;
            await instance.Tokens.RevokeAsync(id, s_admin, Ct);
        }

        // The row holds SHA-256(token) in hex.
        Assert.Equal(WallTokenService.Hash(token), await AuditHarness.ScalarAsync(path, $"SELECT TokenHash FROM WallTokens WHERE Id = '{id.ToString("D").ToUpperInvariant()}';"));
        Assert.Equal(64, WallTokenService.Hash(token).Length);
        // Neither the token nor its random part, in the database file or its write-ahead log, in any encoding SQLite uses.
        var secret = token["owt_".Length..];
        var files = Directory.GetFiles(temp.Path, "audit.db*");
        Assert.Contains(files, f => f.EndsWith("audit.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)));
        }
        // The check can fail: the hash itself is in the file.
        var all = (await Task.WhenAll(files.Select(f => File.ReadAllBytesAsync(f, Ct)))).SelectMany(b => b).ToArray();
        Assert.NotEqual(-1, all.AsSpan().IndexOf(Encoding.UTF8.GetBytes(WallTokenService.Hash(token))));
    }

    [Fact]
    public async Task CreateAndRevoke_AreAuditedWithNameExpiryAndIdOnly()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        await using var instance = await Instance.StartAsync(path);
        var expires = AuditHarness.T0 + TimeSpan.FromDays(30);
        var created = await instance.Tokens.CreateAsync("NOC wall", expires, s_admin, Ct);
        await instance.Tokens.RevokeAsync(created.Record.Id, User("bob", "admin", "viewer"), Ct);

        var page = await instance.Log.QueryAsync(new AuditQuery { TargetKind = "WallToken" }, Ct);

        Assert.Equal([AuditAction.WallTokenRevoked, AuditAction.WallTokenCreated], page.Items.Select(e => e.Action).ToArray());
        Assert.All(page.Items, e => Assert.Equal(AuditOutcome.Succeeded, e.Outcome));
        Assert.Equal(["bob", "alice"], page.Items.Select(e => e.ActorUserName).ToArray());
        Assert.Equal(["admin", "viewer"], page.Items[0].ActorGroups);
        foreach (var entry in page.Items)
        {
            Assert.Equal("NOC wall", entry.TargetName);
            Assert.Equal(created.Record.Id.ToString("D"), entry.TargetUid);
            using var body = JsonDocument.Parse(entry.RequestBody!);
            Assert.Equal(created.Record.Id, body.RootElement.GetProperty("Id").GetGuid());
            Assert.Equal("NOC wall", body.RootElement.GetProperty("Name").GetString());
            Assert.Equal(expires, body.RootElement.GetProperty("Expires").GetDateTimeOffset());
            var everything = JsonSerializer.Serialize(entry);
            Assert.DoesNotContain(created.Token, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(created.Token["owt_".Length..], everything, StringComparison.Ordinal);
            Assert.DoesNotContain(WallTokenService.Hash(created.Token), everything, StringComparison.OrdinalIgnoreCase);
        }
        Assert.True((await instance.Log.VerifyChainAsync(Ct)).IsValid);
    }

    [Fact]
    public async Task Mutations_ByNonAdmin_AreRefusedAndChangeNothing()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));
        var created = await instance.Tokens.CreateAsync("NOC wall", null, s_admin, Ct);
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());

        foreach (var user in new[] { s_viewer, User("wall-1", "wall"), anonymous })
        {
            var create = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => instance.Tokens.CreateAsync("other", null, user, Ct));
            Assert.Contains("Only admins", create.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => instance.Tokens.RevokeAsync(created.Record.Id, user, Ct));
        }

        Assert.Single(await instance.Tokens.ListAsync(Ct));
        Assert.NotNull(instance.Tokens.Validate(created.Token));
        Assert.Single((await instance.Log.QueryAsync(new AuditQuery { TargetKind = "WallToken" }, Ct)).Items);
    }

    [Fact]
    public async Task Restart_LoadsActiveTokensOnly()
    {
        using var temp = new TempDirectory();
        var path = temp.File("audit.db");
        CreatedWallToken kept, revoked, expiring;
        await using (var first = await Instance.StartAsync(path))
        {
            kept = await first.Tokens.CreateAsync("kept", null, s_admin, Ct);
            revoked = await first.Tokens.CreateAsync("revoked", null, s_admin, Ct);
            expiring = await first.Tokens.CreateAsync("expiring", AuditHarness.T0 + TimeSpan.FromMinutes(5), s_admin, Ct);
            await first.Tokens.RevokeAsync(revoked.Record.Id, s_admin, Ct);
        }

        await using var second = await Instance.StartAsync(path);

        Assert.Equal(new WallTokenIdentity(kept.Record.Id, "kept"), second.Tokens.Validate(kept.Token));
        Assert.Null(second.Tokens.Validate(revoked.Token));
        Assert.NotNull(second.Tokens.Validate(expiring.Token));
        second.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(second.Tokens.Validate(expiring.Token));
        Assert.Equal(3, (await second.Tokens.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task MarkUsed_WritesAtMostOnceAMinutePerToken()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));
        var created = await instance.Tokens.CreateAsync("wall", null, s_admin, Ct);

        Assert.True(await instance.Tokens.MarkUsedAsync(created.Record.Id, Ct));
        instance.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(await instance.Tokens.MarkUsedAsync(created.Record.Id, Ct));
        Assert.Equal(AuditHarness.T0, Assert.Single(await instance.Tokens.ListAsync(Ct)).LastUsedAt);

        instance.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await instance.Tokens.MarkUsedAsync(created.Record.Id, Ct));
        Assert.Equal(AuditHarness.T0 + TimeSpan.FromMinutes(1), Assert.Single(await instance.Tokens.ListAsync(Ct)).LastUsedAt);

        await instance.Tokens.RevokeAsync(created.Record.Id, s_admin, Ct);
        instance.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(await instance.Tokens.MarkUsedAsync(created.Record.Id, Ct));
    }

    [Fact]
    public async Task BrokenStore_SaysWhyAndAdmitsNobody()
    {
        using var temp = new TempDirectory();
        // A file where the database's directory should be: the store can be neither created nor opened.
        var blocker = temp.File("blocker");
        await File.WriteAllTextAsync(blocker, "not a directory", Ct);
        await using var instance = await Instance.StartAsync(Path.Combine(blocker, "audit.db"), initialize: false);

        await Assert.ThrowsAsync<AuditUnavailableException>(() => instance.Log.InitializeAsync(Ct));
        await instance.Tokens.LoadAsync(Ct);

        Assert.StartsWith("Wall tokens are unavailable because the audit store cannot be read:", instance.Tokens.Unavailable, StringComparison.Ordinal);
        Assert.Null(instance.Tokens.Validate(WallTokenService.NewToken()));
        var ex = await Assert.ThrowsAsync<AuditUnavailableException>(() => instance.Tokens.CreateAsync("wall", null, s_admin, Ct));
        Assert.Contains("unavailable", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AuditUnavailableException>(() => instance.Tokens.ListAsync(Ct));
    }

    [Fact]
    public async Task NotLoaded_AdmitsNobodyAndRefusesChanges()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"), load: false);

        Assert.Equal("The wall tokens have not been loaded yet.", instance.Tokens.Unavailable);
        await Assert.ThrowsAsync<AuditUnavailableException>(() => instance.Tokens.CreateAsync("wall", null, s_admin, Ct));

        await instance.Tokens.LoadAsync(Ct);
        Assert.Null(instance.Tokens.Unavailable);
        Assert.NotNull(instance.Tokens.Validate((await instance.Tokens.CreateAsync("wall", null, s_admin, Ct)).Token));
    }

    [Fact]
    public async Task Revoke_UnknownId_SaysSo()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));

        await Assert.ThrowsAsync<WallTokenException>(() => instance.Tokens.RevokeAsync(Guid.NewGuid(), s_admin, Ct));
    }

    [Fact]
    public async Task Revoke_AHandlerThrows_TheRevocationStandsAndOtherHandlersRun()
    {
        using var temp = new TempDirectory();
        await using var instance = await Instance.StartAsync(temp.File("audit.db"));
        var created = await instance.Tokens.CreateAsync("wall", null, s_admin, Ct);
        var seen = new List<Guid>();
        instance.Tokens.Revoked += _ => throw new InvalidOperationException("a broken subscriber");
        instance.Tokens.Revoked += seen.Add;

        Assert.True(await instance.Tokens.RevokeAsync(created.Record.Id, s_admin, Ct));

        Assert.Equal([created.Record.Id], seen);
        Assert.Null(instance.Tokens.Validate(created.Token));
    }

    /// <summary>One dashboard instance's audit log and wall token service on a file, with a settable clock.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        private Instance(ServiceProvider services, TestTimeProvider time)
        {
            _services = services;
            Time = time;
        }

        public TestTimeProvider Time { get; }

        public SqliteAuditLog Log => _services.GetRequiredService<SqliteAuditLog>();

        public WallTokenService Tokens => _services.GetRequiredService<WallTokenService>();

        public static async Task<Instance> StartAsync(string databasePath, bool initialize = true, bool load = true)
        {
            var time = new TestTimeProvider(AuditHarness.T0);
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(time);
            services.AddLogging();
            services.AddAuditLog(o => o.DatabasePath = databasePath);
            services.AddWallTokens();
            var instance = new Instance(services.BuildServiceProvider(), time);
            if (initialize)
            {
                await instance.Log.InitializeAsync(Ct).WaitAsync(Simulator.TestTimeouts.Default, Ct);
                if (load)
                {
                    await instance.Tokens.LoadAsync(Ct).WaitAsync(Simulator.TestTimeouts.Default, Ct);
                }
            }
            return instance;
        }

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }
}
