namespace Corral.Protocol;

/// <summary>Whether a multi holds write operations (opcode 14) or read operations (opcode 22).</summary>
public enum MultiKind
{
    /// <summary>Only the terminator: no operations at all.</summary>
    Empty,
    Write,
    Read,
}

/// <summary>
/// One operation of a multi: the opcode from its MultiHeader and the request record that follows.
/// Built only through the factories, so the record type always matches the opcode:
/// create/create2/createContainer carry a CreateRequest, createTTL a CreateTTLRequest, delete a
/// DeleteRequest, setData a SetDataRequest, check a CheckVersionRequest, and (multiRead only)
/// getData a GetDataRequest and getChildren a GetChildrenRequest.
/// </summary>
public sealed record MultiOp
{
    private MultiOp(OpCode type, IJuteRecord request)
    {
        Type = type;
        Request = request;
    }

    public OpCode Type { get; }
    public IJuteRecord Request { get; }

    public bool IsRead => Type is OpCode.GetData or OpCode.GetChildren;

    public static MultiOp Create(CreateRequest request) => new(OpCode.Create, request);
    public static MultiOp Create2(CreateRequest request) => new(OpCode.Create2, request);
    public static MultiOp CreateContainer(CreateRequest request) => new(OpCode.CreateContainer, request);
    public static MultiOp CreateTtl(CreateTTLRequest request) => new(OpCode.CreateTtl, request);
    public static MultiOp Delete(DeleteRequest request) => new(OpCode.Delete, request);
    public static MultiOp SetData(SetDataRequest request) => new(OpCode.SetData, request);
    public static MultiOp Check(CheckVersionRequest request) => new(OpCode.Check, request);
    public static MultiOp GetData(GetDataRequest request) => new(OpCode.GetData, request);
    public static MultiOp GetChildren(GetChildrenRequest request) => new(OpCode.GetChildren, request);

    /// <summary>Reads the record that follows a MultiHeader of the given type; unknown types are a JuteException.</summary>
    internal static MultiOp ReadBody(OpCode type, ref JuteReader r) => type switch
    {
        OpCode.Create or OpCode.Create2 or OpCode.CreateContainer => new(type, CreateRequest.Read(ref r)),
        OpCode.CreateTtl => new(type, CreateTTLRequest.Read(ref r)),
        OpCode.Delete => new(type, DeleteRequest.Read(ref r)),
        OpCode.SetData => new(type, SetDataRequest.Read(ref r)),
        OpCode.Check => new(type, CheckVersionRequest.Read(ref r)),
        OpCode.GetData => new(type, GetDataRequest.Read(ref r)),
        OpCode.GetChildren => new(type, GetChildrenRequest.Read(ref r)),
        _ => throw new JuteException($"invalid operation type {(int)type} in multi"),
    };

    public override string ToString() => $"{Type} {Request}";
}

/// <summary>
/// The body of multi (14) and multiRead (22): per operation a MultiHeader{type, done=false, err=-1}
/// and its record, then the terminator {-1, true, -1}. Reading rejects unknown operation types and
/// a mix of read and write operations (ZooKeeper fails to deserialize both; the server answers
/// MARSHALLINGERROR).
/// </summary>
public sealed record MultiRequest(IReadOnlyList<MultiOp> Ops) : IJuteRecord
{
    public MultiKind Kind =>
        Ops.Count == 0 ? MultiKind.Empty : Ops[0].IsRead ? MultiKind.Read : MultiKind.Write;

    public void Write(ref JuteWriter w)
    {
        foreach (var op in Ops)
        {
            new MultiHeader(op.Type, false, (ErrorCode)(-1)).Write(ref w);
            op.Request.Write(ref w);
        }
        MultiHeader.End.Write(ref w);
    }

    public static MultiRequest Read(ref JuteReader r)
    {
        var ops = new List<MultiOp>();
        var header = MultiHeader.Read(ref r);
        while (!header.Done)
        {
            var op = MultiOp.ReadBody(header.Type, ref r);
            if (ops.Count > 0 && ops[0].IsRead != op.IsRead)
                throw new JuteException("mixing read and write operations is not allowed in a multi request");
            ops.Add(op);
            header = MultiHeader.Read(ref r);
        }
        return new MultiRequest(ops);
    }

    public bool Equals(MultiRequest? other) => other is not null && ValueEquality.List(Ops, other.Ops);

    public override int GetHashCode() => ValueEquality.Hash(Ops);
}
