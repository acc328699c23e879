import Ingest

/// The digest of an experiment file's bytes that a warehouse query writes into its output, so
/// that `report --aggregates` can refuse aggregates computed from another version of the file.
///
/// FNV-1a, 64-bit, over the file's bytes, written `fnv1a64:` and 16 hex digits. It detects a
/// stale query (any edit changes it with probability 1 − 2⁻⁶⁴); it is not a security measure.
public enum ExperimentDigest {
  /// The digest of `bytes`.
  public static func of<C: Collection<UInt8>>(_ bytes: C) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01B3
    }
    let hex = String(hash, radix: 16)
    return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The digest of the file at `path`.
  public static func of(path: String) throws(IngestError) -> String {
    of(try ByteSource(path: path).readAll(limit: 64 << 20, what: "an experiment file"))
  }
}
