namespace OpenElb.Dashboard.IntegrationTests.Simulator;

/// <summary>The seed guide's three DaemonSet fragments, verbatim, for <c>kubectl patch --patch-file</c>.</summary>
internal static class SeedGuide
{
    public const string NodeSelectorFragment = """
        spec:
          template:
            spec:
              nodeSelector:
                openelb-speaker: "true"
        """;

    public const string AffinityFragment = """
        spec:
          template:
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions:
                      - key: openelb-speaker
                        operator: In
                        values:
                        - "true"
        """;

    public const string TolerationsFragment = """
        spec:
          template:
            spec:
              tolerations:
              - key: "openelb-speaker"
                operator: "Equal"
                value: "true"
                effect: "NoSchedule"
        """;
}
