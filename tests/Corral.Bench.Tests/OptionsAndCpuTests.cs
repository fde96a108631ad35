using Corral.Bench;

namespace Corral.Bench.Tests;

public class OptionsAndCpuTests
{
    [Fact]
    public void Hosts_parse_with_default_port()
    {
        var hosts = BenchOptions.ParseHosts("127.0.0.1:2182, localhost ,[::1]:2183");
        Assert.Equal(3, hosts.Count);
        Assert.Equal(("127.0.0.1", 2182), (hosts[0].Host, hosts[0].Port));
        Assert.Equal(("localhost", 2181), (hosts[1].Host, hosts[1].Port));
        Assert.Equal(("::1", 2183), (hosts[2].Host, hosts[2].Port));
        Assert.Throws<FormatException>(() => BenchOptions.ParseHosts("h:70000"));
        Assert.Throws<FormatException>(() => BenchOptions.ParseHosts(" , "));
    }

    [Fact]
    public void Invalid_options_are_explained()
    {
        Assert.Null(new BenchOptions().Validate());
        Assert.Equal("--window must be between 1 and 10000", new BenchOptions { Window = 0 }.Validate());
        Assert.Equal("--read-pct must be between 0 and 100", new BenchOptions { ReadPercent = 101 }.Validate());
        Assert.Equal("--size must be between 16 and 1000000 bytes", new BenchOptions { Size = 8 }.Validate());
        Assert.Equal("--root must be an absolute znode path other than /", new BenchOptions { Root = "/" }.Validate());
    }

    [Fact]
    public void Workload_names_round_trip()
    {
        foreach (var name in WorkloadNames.All)
        {
            Assert.True(WorkloadNames.TryParse(name, out var w));
            Assert.Equal(name, WorkloadNames.Of(w));
        }
        Assert.False(WorkloadNames.TryParse("scan", out _));
    }

    [Fact]
    public void Proc_stat_sums_user_and_system_ticks_even_with_odd_command_names()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        string line = "1234 (java (main) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 40 0";
        Assert.Equal(3.8, ProcessCpu.ParseStat(line), 6);
        Assert.Throws<FormatException>(() => ProcessCpu.ParseStat("1234 (x) S 1 2"));
    }

    [Fact]
    public void Cpu_of_this_process_is_readable()
    {
        Assert.NotNull(ProcessCpu.TryReadSeconds(Environment.ProcessId));
        Assert.Null(ProcessCpu.TryReadSeconds(-1));
    }
}
