using BenchmarkDotNet.Running;
using OpenElb.Dashboard.Benchmarks;

// --smoke: run every benchmark once on a tiny cluster and check the results make sense (./test.sh uses it so the
// benchmarks cannot rot). It asserts no timings. Anything else goes to BenchmarkDotNet.
if (args is ["--smoke"])
{
    return Smoke.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(CoreBenchmarks).Assembly).Run(args);
return 0;
