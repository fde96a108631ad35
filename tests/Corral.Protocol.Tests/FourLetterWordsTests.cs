using System.Buffers.Binary;
using System.Text;
using Corral.Protocol;

namespace Corral.Protocol.Tests;

public class FourLetterWordsTests
{
    [Theory]
    [InlineData("ruok")] [InlineData("isro")] [InlineData("srvr")] [InlineData("stat")] [InlineData("mntr")]
    [InlineData("conf")] [InlineData("envi")] [InlineData("cons")] [InlineData("crst")] [InlineData("srst")]
    [InlineData("dump")] [InlineData("wchs")] [InlineData("wchc")] [InlineData("wchp")] [InlineData("dirs")]
    [InlineData("hash")] [InlineData("gtmk")] [InlineData("stmk")]
    public void KnownWordsAreRecognisedFromTheirFirstFourBytes(string word)
    {
        int code = BinaryPrimitives.ReadInt32BigEndian(Encoding.ASCII.GetBytes(word));
        Assert.True(FourLetterWords.TryGetWord(code, out var found));
        Assert.Equal(word, found);
        Assert.Equal(code, FourLetterWords.CodeOf(word));
    }

    [Fact]
    public void RuokHasTheDocumentedCode() => Assert.Equal(0x72756f6b, FourLetterWords.CodeOf("ruok"));

    [Theory]
    [InlineData(0x0000002d)] // a ConnectRequest length
    [InlineData(0x0000002c)]
    [InlineData(0x52554f4b)] // "RUOK": words are case-sensitive
    [InlineData(0x6b6f7572)] // "kour"
    [InlineData(unchecked((int)0xfff4fffd))]
    public void OtherValuesAreNotWords(int code) => Assert.False(FourLetterWords.TryGetWord(code, out _));

    [Fact]
    public void ListHoldsEighteenDistinctWords() => Assert.Equal(18, FourLetterWords.All.Distinct().Count());
}
