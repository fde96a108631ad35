using BenchmarkDotNet.Attributes;
using Corral.Core.Server;
using Corral.Core.Tree;
using Corral.Protocol;

namespace Corral.MicroBench;

/// <summary>Lookups in a data tree of many znodes: path resolution and Stat materialisation.</summary>
[MemoryDiagnoser]
public class DataTreeBenchmarks
{
    private DataTree _tree = null!;
    private string _deepPath = "", _widePath = "";

    [Params(100_000)]
    public int Znodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var core = new ServerCore(new CoreOptions(), TimeProvider.System, InMemoryCommitter.Instance);
        var connection = core.Open(new NullSink(), "127.0.0.1");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        void Send(Action<System.Buffers.ArrayBufferWriter<byte>> write)
        {
            buffer.ResetWrittenCount();
            write(buffer);
            connection.Receive(buffer.WrittenSpan);
        }
        Send(b => { var w = new JuteWriter(b); new ConnectRequest(0, 0, 30_000, 0, new byte[16]).Write(ref w); });
        void Create(string path) => Send(b =>
        {
            var w = new JuteWriter(b);
            new RequestHeader(1, OpCode.Create).Write(ref w);
            new CreateRequest(path, new byte[100], Acl.OpenAclUnsafe, CreateMode.Persistent).Write(ref w);
        });
        Create("/wide");
        for (int i = 0; i < Znodes; i++) Create($"/wide/n{i:D8}");
        _deepPath = "";
        for (int depth = 0; depth < 10; depth++) Create(_deepPath += $"/level{depth}");
        _widePath = $"/wide/n{Znodes / 3:D8}";
        _tree = core.Tree;
        if (_tree.Find(_widePath) is null || _tree.Find(_deepPath) is null) throw new InvalidOperationException("set-up failed");
    }

    private sealed class NullSink : IConnectionSink
    {
        public void Send(ReadOnlySpan<byte> frame) { }
        public void Close() { }
    }

    [Benchmark]
    public object? FindAmongManySiblings() => _tree.Find(_widePath);

    [Benchmark]
    public object? FindTenLevelsDeep() => _tree.Find(_deepPath);

    [Benchmark]
    public Stat FindAndStat()
    {
        var node = _tree.Find(_widePath)!;
        return _tree.GetStat(node);
    }
}
