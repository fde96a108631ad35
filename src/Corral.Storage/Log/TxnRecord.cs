namespace Corral.Storage.Log;

/// <summary>One transaction read back from the log.</summary>
public readonly record struct TxnRecord(long Zxid, byte[] Payload);

/// <summary>Receives one replayed transaction; the payload span is only valid during the call.</summary>
public delegate void TxnRecordHandler(long zxid, ReadOnlySpan<byte> payload);
