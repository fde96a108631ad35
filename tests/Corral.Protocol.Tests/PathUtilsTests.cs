using Corral.Protocol;

namespace Corral.Protocol.Tests;

public class PathUtilsTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("/a/b/c")]
    [InlineData("/zookeeper/quota")]
    [InlineData("/a.b")]
    [InlineData("/...")]
    [InlineData("/.a")]
    [InlineData("/a..")]
    [InlineData("/a/.../b")]
    [InlineData("/héllo/日本")]
    [InlineData("/\u00a0")]
    [InlineData("/\uf900")]
    [InlineData("/\uffef")]
    [InlineData("/ sp ace")]
    public void ValidPaths(string path)
    {
        Assert.Null(PathUtils.Validate(path));
        Assert.True(PathUtils.IsValid(path));
    }

    [Theory]
    [InlineData(null, "Path cannot be null")]
    [InlineData("", "Path length must be > 0")]
    [InlineData("a", "Path must start with / character")]
    [InlineData("a/b", "Path must start with / character")]
    [InlineData("/a/", "Path must not end with / character")]
    [InlineData("//", "Path must not end with / character")]
    [InlineData("//a", "Invalid path string \"//a\" caused by empty node name specified @1")]
    [InlineData("/a//b", "Invalid path string \"/a//b\" caused by empty node name specified @3")]
    [InlineData("/.", "Invalid path string \"/.\" caused by relative paths not allowed @1")]
    [InlineData("/..", "Invalid path string \"/..\" caused by relative paths not allowed @2")]
    [InlineData("/a/./b", "Invalid path string \"/a/./b\" caused by relative paths not allowed @3")]
    [InlineData("/a/../b", "Invalid path string \"/a/../b\" caused by relative paths not allowed @4")]
    [InlineData("/a/..", "Invalid path string \"/a/..\" caused by relative paths not allowed @4")]
    [InlineData("/a\0b", "Invalid path string \"/a\0b\" caused by null character not allowed @2")]
    [InlineData("/\u0001", "Invalid path string \"/\u0001\" caused by invalid character @1")]
    [InlineData("/a\u001f", "Invalid path string \"/a\u001f\" caused by invalid character @2")]
    [InlineData("/\u007f", "Invalid path string \"/\u007f\" caused by invalid character @1")]
    [InlineData("/\u009f", "Invalid path string \"/\u009f\" caused by invalid character @1")]
    [InlineData("/\ud800", "Invalid path string \"/\ud800\" caused by invalid character @1")]
    [InlineData("/\ue000", "Invalid path string \"/\ue000\" caused by invalid character @1")]
    [InlineData("/\uf8ff", "Invalid path string \"/\uf8ff\" caused by invalid character @1")]
    [InlineData("/\ufff0", "Invalid path string \"/\ufff0\" caused by invalid character @1")]
    [InlineData("/\uffff", "Invalid path string \"/\uffff\" caused by invalid character @1")]
    [InlineData("/a\tb", "Invalid path string \"/a\tb\" caused by invalid character @2")]
    public void InvalidPathsGiveZooKeepersReason(string? path, string reason)
    {
        Assert.Equal(reason, PathUtils.Validate(path));
        Assert.False(PathUtils.IsValid(path));
    }

    [Fact]
    public void FirstViolationWins()
    {
        Assert.Equal("Invalid path string \"/a//\u0001/.\" caused by empty node name specified @3", PathUtils.Validate("/a//\u0001/."));
    }

    [Fact]
    public void SequentialPathsAreValidatedWithASuffix()
    {
        Assert.Null(PathUtils.Validate("/a/", isSequential: true));
        Assert.Null(PathUtils.Validate("/a/s-", isSequential: true));
        Assert.NotNull(PathUtils.Validate("/a/", isSequential: false));
        Assert.Equal("Path cannot be null", PathUtils.Validate(null, isSequential: true));
    }

    [Theory]
    [InlineData("/", null, "")]
    [InlineData("/a", "/", "a")]
    [InlineData("/a/b", "/a", "b")]
    [InlineData("/a/b/c-0000000001", "/a/b", "c-0000000001")]
    public void ParentAndName(string path, string? parent, string name)
    {
        Assert.Equal(parent, PathUtils.ParentOf(path));
        Assert.Equal(name, PathUtils.NameOf(path));
        if (parent is not null) Assert.Equal(path, PathUtils.Combine(parent, name));
    }

    [Fact]
    public void RelativePathsHaveNoParent()
    {
        Assert.Throws<ArgumentException>(() => PathUtils.ParentOf("a"));
        Assert.Throws<ArgumentException>(() => PathUtils.NameOf("a"));
    }
}
