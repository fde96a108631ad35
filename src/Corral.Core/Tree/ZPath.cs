namespace Corral.Core.Tree;

/// <summary>ZooKeeper's PathUtils rules (named ZPath to stay clear of Corral.Protocol.PathUtils) for znode paths.</summary>
public static class ZPath
{
    /// <summary>Full validatePath: returns null when valid, else the reason.</summary>
    public static string? Validate(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "path must not be null or empty";
        if (path[0] != '/') return "path must start with /";
        if (path.Length == 1) return null;
        if (path[^1] == '/') return "path must not end with /";
        char last = '/';
        for (int i = 1; i < path.Length; i++)
        {
            char c = path[i];
            if (c == 0) return $"null character not allowed @{i}";
            if (c == '/' && last == '/') return $"empty node name specified @{i}";
            if (c == '.' && last == '.' && path[i - 2] == '/' && (i + 1 == path.Length || path[i + 1] == '/'))
                return $"relative paths not allowed @{i}";
            if (c == '.' && last == '/' && (i + 1 == path.Length || path[i + 1] == '/'))
                return $"relative paths not allowed @{i}";
            if (c is > '\u0000' and <= '\u001f' or >= '\u007f' and <= '\u009f' or >= '\ud800' and <= '\uf8ff' or >= '\ufff0')
                return $"invalid character @{i}";
            last = c;
        }
        return null;
    }

    public static bool IsValid(string? path) => Validate(path) is null;

    /// <summary>The parent of an absolute path ("/a/b" -> "/a", "/a" -> "/"). Requires a '/' in the path.</summary>
    public static string Parent(string path)
    {
        int i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    public static string ChildName(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Join(string parent, string child) => parent == "/" ? "/" + child : parent + "/" + child;
}
