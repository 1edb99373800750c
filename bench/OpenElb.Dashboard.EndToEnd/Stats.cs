using System.Globalization;

namespace OpenElb.Dashboard.EndToEnd;

internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        if (p == 50 && sorted.Length % 2 == 0)
        {
            return (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>"median M (min A – max B)" with the unit; "n/a" when empty.</summary>
    public static string Describe(IReadOnlyCollection<double> values, string unit = "ms") => values.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"median {Median(values):F0} {unit} (min {values.Min():F0} – max {values.Max():F0}, n={values.Count})");

    /// <summary>Median, p99 and the range.</summary>
    public static string DescribeTail(IReadOnlyCollection<double> values) => values.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"median {Median(values):F0} ms, p99 {Percentile(values, 99):F0} ms (min {values.Min():F0} – max {values.Max():F0}, n={values.Count})");

    public static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:F1} MB");

    public static string Kb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KB");
}
