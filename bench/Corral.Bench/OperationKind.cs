namespace Corral.Bench;

/// <summary>The kinds of request the bench measures separately.</summary>
public enum OperationKind
{
    Get,
    Set,
    Create,
    Delete,
    SequentialCreate,
    Multi,
}

public static class OperationNames
{
    public static readonly OperationKind[] All = Enum.GetValues<OperationKind>();

    public static string Of(OperationKind kind) => kind switch
    {
        OperationKind.Get => "getData",
        OperationKind.Set => "setData",
        OperationKind.Create => "create",
        OperationKind.Delete => "delete",
        OperationKind.SequentialCreate => "seq-create",
        OperationKind.Multi => "multi",
        _ => kind.ToString(),
    };
}
