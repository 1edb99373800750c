namespace OpenElb.Dashboard.Core.Validation;

/// <summary>One validation failure: where it is and what is wrong, in words a user can act on.</summary>
/// <param name="Path">Where the bad input is, as a field path (e.g. <c>tolerations[1].key</c>) or a node name.</param>
/// <param name="Message">What is wrong, quoting the offending value.</param>
public sealed record ValidationError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
