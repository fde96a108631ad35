using BenchmarkDotNet.Running;

// Pick benchmarks with --filter, e.g. --filter '*Codec*'; add --job short for a quick look.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
