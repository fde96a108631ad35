namespace Corral.Protocol;

/// <summary>The outcome of one multi operation, written as a MultiHeader plus an optional body.</summary>
public abstract record OpResult
{
    /// <summary>The MultiHeader type: the operation's opcode, or -1 (OpCode.Error) for an error.</summary>
    public abstract OpCode Type { get; }

    /// <summary>Writes the body that follows the header; most results have none.</summary>
    internal virtual void WriteBody(ref JuteWriter w) { }

    internal virtual ErrorCode HeaderErr => ErrorCode.Ok;
}

/// <summary>create (1) in a multi: the actual path.</summary>
public sealed record CreateResult(string? Path) : OpResult
{
    public override OpCode Type => OpCode.Create;
    internal override void WriteBody(ref JuteWriter w) => w.WriteString(Path);
}

/// <summary>create2/createContainer/createTTL in a multi (3.9 layout: type 15, path and Stat).</summary>
public sealed record Create2Result(string? Path, Stat Stat) : OpResult
{
    public override OpCode Type => OpCode.Create2;
    internal override void WriteBody(ref JuteWriter w) => new Create2Response(Path, Stat).Write(ref w);
}

public sealed record DeleteResult : OpResult
{
    public override OpCode Type => OpCode.Delete;
}

public sealed record SetDataResult(Stat Stat) : OpResult
{
    public override OpCode Type => OpCode.SetData;
    internal override void WriteBody(ref JuteWriter w) => Stat.Write(ref w);
}

public sealed record CheckResult : OpResult
{
    public override OpCode Type => OpCode.Check;
}

/// <summary>getData in a multiRead.</summary>
public sealed record GetDataResult(byte[]? Data, Stat Stat) : OpResult
{
    public override OpCode Type => OpCode.GetData;
    internal override void WriteBody(ref JuteWriter w) => new GetDataResponse(Data, Stat).Write(ref w);

    public bool Equals(GetDataResult? other) => other is not null && ValueEquality.Bytes(Data, other.Data) && Stat == other.Stat;
    public override int GetHashCode() => HashCode.Combine(ValueEquality.Hash(Data), Stat);
}

/// <summary>getChildren in a multiRead.</summary>
public sealed record GetChildrenResult(IReadOnlyList<string>? Children) : OpResult
{
    public override OpCode Type => OpCode.GetChildren;
    internal override void WriteBody(ref JuteWriter w) => w.WriteStringVector(Children);

    public bool Equals(GetChildrenResult? other) => other is not null && ValueEquality.List(Children, other.Children);
    public override int GetHashCode() => ValueEquality.Hash(Children);
}

/// <summary>
/// A failed (or, in a failed multi, rolled-back) operation: header {-1, false, err} followed by
/// ErrorResponse{err}, the code appearing in both places as ZooKeeper writes it. Err 0 marks an
/// operation that would have succeeded; -2 (RuntimeInconsistency) one after the failing operation.
/// </summary>
public sealed record ErrorResult(ErrorCode Err) : OpResult
{
    public override OpCode Type => OpCode.Error;
    internal override ErrorCode HeaderErr => Err;
    internal override void WriteBody(ref JuteWriter w) => new ErrorResponse(Err).Write(ref w);
}

/// <summary>The reply body of multi and multiRead: one result per operation, then {-1, true, -1}.</summary>
public sealed record MultiResponse(IReadOnlyList<OpResult> Results) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        foreach (var result in Results)
        {
            new MultiHeader(result.Type, false, result.HeaderErr).Write(ref w);
            result.WriteBody(ref w);
        }
        MultiHeader.End.Write(ref w);
    }

    public static MultiResponse Read(ref JuteReader r)
    {
        var results = new List<OpResult>();
        var header = MultiHeader.Read(ref r);
        while (!header.Done)
        {
            results.Add(ReadResult(header.Type, ref r));
            header = MultiHeader.Read(ref r);
        }
        return new MultiResponse(results);
    }

    private static OpResult ReadResult(OpCode type, ref JuteReader r)
    {
        switch (type)
        {
            case OpCode.Create:
                return new CreateResult(r.ReadString());
            case OpCode.Create2:
                var created = Create2Response.Read(ref r);
                return new Create2Result(created.Path, created.Stat);
            case OpCode.Delete:
                return new DeleteResult();
            case OpCode.SetData:
                return new SetDataResult(Stat.Read(ref r));
            case OpCode.Check:
                return new CheckResult();
            case OpCode.GetData:
                var data = GetDataResponse.Read(ref r);
                return new GetDataResult(data.Data, data.Stat);
            case OpCode.GetChildren:
                return new GetChildrenResult(r.ReadStringVector());
            case OpCode.Error:
                return new ErrorResult(ErrorResponse.Read(ref r).Err);
            default:
                throw new JuteException($"invalid result type {(int)type} in multi response");
        }
    }

    public bool Equals(MultiResponse? other) => other is not null && ValueEquality.List(Results, other.Results);

    public override int GetHashCode() => ValueEquality.Hash(Results);
}
