using System.Reflection;
using OpenElb.Dashboard.Core.Cluster;

namespace OpenElb.Dashboard.UnitTests;

public class CoreDependencyTests
{
    [Fact]
    public void CoreAssembly_ReferencesOnlyTheBcl()
    {
        var references = typeof(ClusterSnapshot).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.True(
            name is "System" or "netstandard" || name.StartsWith("System.", StringComparison.Ordinal),
            $"Core references '{name}', but it may depend on the BCL only"));
    }

    [Fact]
    public void CoreAssembly_ReadsNoClock()
    {
        // Core is deterministic: time is passed in. A property getter of DateTime.Now/UtcNow or TimeProvider in Core's IL
        // would show up as a member reference; scanning the metadata tokens of every method body finds it.
        var assembly = typeof(ClusterSnapshot).Assembly;
        var forbidden = new[]
        {
            typeof(DateTime).GetProperty(nameof(DateTime.Now))!.GetMethod!,
            typeof(DateTime).GetProperty(nameof(DateTime.UtcNow))!.GetMethod!,
            typeof(DateTimeOffset).GetProperty(nameof(DateTimeOffset.Now))!.GetMethod!,
            typeof(DateTimeOffset).GetProperty(nameof(DateTimeOffset.UtcNow))!.GetMethod!,
        };
        var offenders = new List<string>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var il = method.GetMethodBody()?.GetILAsByteArray();
                if (il is null)
                {
                    continue;
                }
                for (var i = 0; i + 4 < il.Length; i++)
                {
                    // call (0x28) / callvirt (0x6F) followed by a method token
                    if (il[i] is not (0x28 or 0x6F))
                    {
                        continue;
                    }
                    var token = BitConverter.ToInt32(il, i + 1);
                    MethodBase? target;
                    try
                    {
                        target = type.Module.ResolveMethod(token, type.IsGenericType ? type.GetGenericArguments() : null, method.IsGenericMethod ? method.GetGenericArguments() : null);
                    }
                    catch (ArgumentException)
                    {
                        continue;
                    }
                    if (target is not null && forbidden.Contains(target))
                    {
                        offenders.Add($"{type.FullName}.{method.Name}");
                    }
                }
            }
        }

        Assert.Empty(offenders);
    }
}
