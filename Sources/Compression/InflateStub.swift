/// STUB, to be dropped when the real DEFLATE decoder is merged: the signature of `Inflate.raw`
/// that Avro's `deflate` codec calls, refusing every input until then.
public enum Inflate {
  /// Decompresses raw DEFLATE (RFC 1951) data, refusing output past `limit` bytes.
  public static func raw(_ bytes: [UInt8], limit: Int) throws(CompressionError) -> [UInt8] {
    throw .unsupported(format: "DEFLATE", offset: 0, feature: "pending")
  }
}
