namespace Corral.Protocol;

/// <summary>ZooKeeper's znode path rules (PathUtils.validatePath) and path arithmetic.</summary>
public static class PathUtils
{
    /// <summary>
    /// Returns null when <paramref name="path"/> is a valid znode path, otherwise the reason, worded
    /// as ZooKeeper words it. Invalid: null or empty; not starting with '/'; ending with '/' (other
    /// than "/"); an empty segment; a "." or ".." segment; U+0000; or a character in U+0001–U+001F,
    /// U+007F–U+009F, U+D800–U+F8FF or U+FFF0–U+FFFF. Positions are UTF-16 indexes, as in Java.
    /// </summary>
    public static string? Validate(string? path)
    {
        if (path is null) return "Path cannot be null";
        if (path.Length == 0) return "Path length must be > 0";
        if (path[0] != '/') return "Path must start with / character";
        if (path.Length == 1) return null;
        if (path[^1] == '/') return "Path must not end with / character";

        string? reason = null;
        for (int i = 1; i < path.Length && reason is null; i++)
        {
            char c = path[i];
            char previous = path[i - 1];
            bool segmentEndsHere = i + 1 == path.Length || path[i + 1] == '/';
            if (c == '\0')
                reason = $"null character not allowed @{i}";
            else if (c == '/' && previous == '/')
                reason = $"empty node name specified @{i}";
            else if (c == '.' && previous == '.')
            {
                if (path[i - 2] == '/' && segmentEndsHere) reason = $"relative paths not allowed @{i}";
            }
            else if (c == '.')
            {
                if (previous == '/' && segmentEndsHere) reason = $"relative paths not allowed @{i}";
            }
            else if (IsForbidden(c))
                reason = $"invalid character @{i}";
        }
        return reason is null ? null : $"Invalid path string \"{path}\" caused by {reason}";
    }

    /// <summary>Validates the path a sequential create will produce (ZooKeeper checks path + "1").</summary>
    public static string? Validate(string? path, bool isSequential) =>
        Validate(isSequential && path is not null ? path + "1" : path);

    public static bool IsValid(string? path) => Validate(path) is null;

    private static bool IsForbidden(char c) =>
        c is (> '\u0000' and <= '\u001f') or (>= '\u007f' and <= '\u009f')
            or (>= '\ud800' and <= '\uf8ff') or (>= '\ufff0' and <= '\uffff');

    /// <summary>The parent of an absolute path: "/a/b" → "/a", "/a" → "/". The root has no parent (null).</summary>
    public static string? ParentOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int slash = path.LastIndexOf('/');
        if (slash < 0) throw new ArgumentException($"not an absolute path: \"{path}\"", nameof(path));
        if (path == "/") return null;
        return slash == 0 ? "/" : path[..slash];
    }

    /// <summary>The last segment of an absolute path: "/a/b" → "b", "/" → "".</summary>
    public static string NameOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int slash = path.LastIndexOf('/');
        if (slash < 0) throw new ArgumentException($"not an absolute path: \"{path}\"", nameof(path));
        return path[(slash + 1)..];
    }

    /// <summary>Joins a parent path and a child name: ("/", "a") → "/a", ("/a", "b") → "/a/b".</summary>
    public static string Combine(string parent, string name) =>
        parent == "/" ? "/" + name : parent + "/" + name;
}
