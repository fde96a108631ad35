using System.Buffers;
using Corral.Protocol;

namespace Corral.Core.Txns;

/// <summary>
/// The compact binary form of a transaction, used by the transaction log and by Zab proposals:
/// <c>long sessionId, int cxid, long zxid, long time, int type</c>, then the body in jute encoding
/// (strings and buffers length-prefixed, -1 for null). A multi body is <c>int count</c> followed by
/// <c>int type, body</c> per sub-transaction.
/// </summary>
public static class TxnCodec
{
    public static byte[] Serialize(in TxnHeader header, Txn txn)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(buffer, header, txn);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, in TxnHeader header, Txn txn)
    {
        if (header.Type != txn.Type)
            throw new ArgumentException($"header type {header.Type} does not match body type {txn.Type}");
        var w = new JuteWriter(output);
        w.WriteLong(header.SessionId);
        w.WriteInt(header.Cxid);
        w.WriteLong(header.Zxid);
        w.WriteLong(header.Time);
        w.WriteInt((int)header.Type);
        txn.WriteBody(ref w);
    }

    /// <summary>Decodes one transaction; throws <see cref="JuteException"/> on malformed or trailing bytes.</summary>
    public static (TxnHeader Header, Txn Txn) Deserialize(ReadOnlySpan<byte> bytes)
    {
        var r = new JuteReader(bytes);
        var header = new TxnHeader(r.ReadLong(), r.ReadInt(), r.ReadLong(), r.ReadLong(), (TxnType)r.ReadInt());
        var txn = ReadBody(ref r, header.Type, depth: 0);
        if (!r.IsAtEnd) throw new JuteException($"{r.Remaining} trailing bytes after transaction");
        return (header, txn);
    }

    private static Txn ReadBody(ref JuteReader r, TxnType type, int depth)
    {
        switch (type)
        {
            case TxnType.Create:
            {
                var (path, data, acl, parentC) = ReadCreateCommon(ref r);
                return new CreateTxn(path, data, acl, r.ReadLong(), parentC);
            }
            case TxnType.CreateContainer:
            {
                var (path, data, acl, parentC) = ReadCreateCommon(ref r);
                return new CreateContainerTxn(path, data, acl, parentC);
            }
            case TxnType.CreateTtl:
            {
                var (path, data, acl, parentC) = ReadCreateCommon(ref r);
                return new CreateTtlTxn(path, data, acl, r.ReadLong(), parentC);
            }
            case TxnType.Delete: return new DeleteTxn(ReadPath(ref r));
            case TxnType.DeleteContainer: return new DeleteContainerTxn(ReadPath(ref r));
            case TxnType.SetData: return new SetDataTxn(ReadPath(ref r), r.ReadBuffer(), r.ReadInt());
            case TxnType.SetAcl: return new SetAclTxn(ReadPath(ref r), Acl.ReadList(ref r) ?? [], r.ReadInt());
            case TxnType.Check: return new CheckVersionTxn(ReadPath(ref r), r.ReadInt());
            case TxnType.Error: return new ErrorTxn((ErrorCode)r.ReadInt());
            case TxnType.CreateSession: return new CreateSessionTxn(r.ReadInt(), r.ReadBuffer() ?? []);
            case TxnType.CloseSession: return new CloseSessionTxn(r.ReadStringVector() ?? []);
            case TxnType.Multi:
            {
                if (depth > 0) throw new JuteException("nested multi transaction");
                int n = r.ReadVectorCount(minElementSize: 4);
                var list = new List<Txn>(Math.Max(n, 0));
                for (int i = 0; i < n; i++) list.Add(ReadBody(ref r, (TxnType)r.ReadInt(), depth + 1));
                return new MultiTxn(list);
            }
            default: throw new JuteException($"unknown transaction type {(int)type}");
        }
    }

    private static string ReadPath(ref JuteReader r) => r.ReadString() ?? throw new JuteException("null path in transaction");

    private static (string, byte[]?, IReadOnlyList<Acl>, int) ReadCreateCommon(ref JuteReader r)
    {
        var path = ReadPath(ref r);
        var data = r.ReadBuffer();
        IReadOnlyList<Acl> acl = Acl.ReadList(ref r) ?? [];
        return (path, data, acl, r.ReadInt());
    }
}
