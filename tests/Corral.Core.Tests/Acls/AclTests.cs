using Corral.Core.Acls;
using Corral.Core.Tree;
using Corral.Protocol;

namespace Corral.Core.Tests.Acls;

public class AclTests
{
    private static readonly Id Bob = new("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=");
    private static readonly Id Local = new("ip", "127.0.0.1");

    [Fact]
    public void Digest_matches_zookeeper() => Assert.Equal(Bob.IdValue, AuthProviders.DigestOf("bob:secret"));

    [Fact]
    public void Empty_acl_allows_everything_and_super_overrides()
    {
        Assert.True(AclChecker.Allows([], Perms.Admin, []));
        var bobOnly = new[] { new Acl(Perms.All, Bob) };
        Assert.False(AclChecker.Allows(bobOnly, Perms.Read, [Local]));
        Assert.True(AclChecker.Allows(bobOnly, Perms.Read, [Bob, Local]));
        Assert.True(AclChecker.Allows(bobOnly, Perms.Read, [new Id("super", ""), Local]));
    }

    [Fact]
    public void Only_entries_granting_the_wanted_bit_count()
    {
        var acl = new[] { new Acl(Perms.Read, Id.Anyone), new Acl(Perms.Write, Bob) };
        Assert.True(AclChecker.Allows(acl, Perms.Read, [Local]));
        Assert.False(AclChecker.Allows(acl, Perms.Write, [Local]));
        Assert.True(AclChecker.Allows(acl, Perms.Write, [Bob]));
        Assert.False(AclChecker.Allows(acl, Perms.Admin, [Bob]));
        Assert.True(AclChecker.Allows(acl, Perms.Read | Perms.Admin, [Local]));
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3", true)]
    [InlineData("10.1.2.3", "10.1.2.4", false)]
    [InlineData("10.1.0.0/16", "10.1.200.7", true)]
    [InlineData("10.1.0.0/16", "10.2.0.1", false)]
    [InlineData("10.1.2.0/25", "10.1.2.127", true)]
    [InlineData("10.1.2.0/25", "10.1.2.128", false)]
    [InlineData("0.0.0.0/0", "192.168.1.1", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1", "127.0.0.1", false)]
    public void Ip_acls_match_with_masks(string acl, string remote, bool allowed) =>
        Assert.Equal(allowed, AclChecker.Allows([new Acl(Perms.Read, new Id("ip", acl))], Perms.Read, [new Id("ip", remote)]));

    [Fact]
    public void Fixup_dedupes_and_expands_auth()
    {
        Assert.Equal(ErrorCode.Ok, AclChecker.Fixup([new(Perms.All, Id.Anyone), new(Perms.All, Id.Anyone)], [Local], out var deduped));
        Assert.Equal([new Acl(Perms.All, Id.Anyone)], deduped);
        Assert.Equal(ErrorCode.Ok, AclChecker.Fixup([new(Perms.All, new Id("auth", ""))], [Bob, Local], out var expanded));
        Assert.Equal([new Acl(Perms.All, Bob)], expanded);
    }

    [Theory]
    [InlineData("world", "someone")]
    [InlineData("auth", "")]
    [InlineData("digest", "bob")]
    [InlineData("digest", "bob:")]
    [InlineData("digest", "a:b:c")]
    [InlineData("ip", "1.2.3")]
    [InlineData("ip", "1.2.3.4/33")]
    [InlineData("ip", "not-an-ip")]
    [InlineData("sasl", "x")]
    [InlineData("super", "")]
    public void Fixup_rejects_invalid_entries(string scheme, string id) =>
        Assert.Equal(ErrorCode.InvalidAcl, AclChecker.Fixup([new(Perms.All, new Id(scheme, id))], [Local], out _));

    [Fact]
    public void Fixup_rejects_null_and_empty_lists()
    {
        Assert.Equal(ErrorCode.InvalidAcl, AclChecker.Fixup(null, [Bob], out _));
        Assert.Equal(ErrorCode.InvalidAcl, AclChecker.Fixup([], [Bob], out _));
    }

    [Theory]
    [InlineData("digest", ":x")]
    [InlineData("ip", "10.0.0.0/8")]
    [InlineData("ip", "fe80::1/64")]
    public void Fixup_accepts_valid_ids(string scheme, string id) =>
        Assert.Equal(ErrorCode.Ok, AclChecker.Fixup([new(Perms.All, new Id(scheme, id))], [Local], out _));

    [Fact]
    public void Digest_ids_are_masked_without_admin() =>
        Assert.Equal([new Acl(Perms.All, new Id("digest", "bob:x")), new Acl(Perms.Read, Id.Anyone)],
            AclChecker.MaskDigests([new Acl(Perms.All, Bob), new Acl(Perms.Read, Id.Anyone)]));

    [Theory]
    [InlineData("/", true)]
    [InlineData("/a/b", true)]
    [InlineData("/a.b/..c", true)]
    [InlineData("", false)]
    [InlineData("a", false)]
    [InlineData("/a/", false)]
    [InlineData("/a//b", false)]
    [InlineData("/a/./b", false)]
    [InlineData("/a/..", false)]
    [InlineData("/a\u0000b", false)]
    [InlineData("/a\u0001", false)]
    [InlineData("/a\u0085", false)]
    [InlineData("/a\ue000", false)]
    [InlineData("/a\ufff5", false)]
    public void Path_validation_follows_zookeeper(string path, bool valid) => Assert.Equal(valid, ZPath.IsValid(path));
}
