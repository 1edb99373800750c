using Microsoft.Extensions.Options;
using OpenElb.Dashboard.Core.Validation;

namespace OpenElb.Dashboard.Configuration;

/// <summary>Rejects settings that would make the views lie, with a message naming the setting.</summary>
public sealed class ValidateDashboardOptions : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        failures.AddRange(KubernetesValidation.ValidateKey(options.GroupingLabel, "Dashboard:GroupingLabel").Select(static e => e.ToString()));
        if (options.MinSpeakersPerRouter < 1)
        {
            failures.Add($"Dashboard:MinSpeakersPerRouter must be at least 1 (got {options.MinSpeakersPerRouter}).");
        }
        if (options.MaxSessionsPerRouter < options.MinSpeakersPerRouter)
        {
            failures.Add($"Dashboard:MaxSessionsPerRouter ({options.MaxSessionsPerRouter}) must not be below Dashboard:MinSpeakersPerRouter ({options.MinSpeakersPerRouter}).");
        }
        if (options.RenderInterval < TimeSpan.Zero || options.RenderInterval > TimeSpan.FromSeconds(10))
        {
            failures.Add($"Dashboard:RenderInterval must be between 0 and 10 seconds (got {options.RenderInterval}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
