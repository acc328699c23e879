/// Whole-buffer decoding: compressed bytes in, all the decompressed bytes out (the Avro deflate
/// codec, small members). `limit` caps the output: a stream that decodes to more throws
/// `.limitExceeded` before more than `limit` bytes are kept.
///
/// Bytes after the end of the stream (after the last gzip member) are ignored here; use
/// `decode(_:wrapper:limit:)` to see how many there were, or `DecompressingReader`.
public enum Inflate {
  /// The output of `decode`, with what followed the stream.
  public struct Decoded: Sendable, Equatable {
    /// The decompressed bytes.
    public var bytes: [UInt8]
    /// Bytes after the stream when any of them is not zero (all-zero padding counts 0).
    public var trailingGarbageBytes: Int
    /// gzip members decoded (1 for zlib and raw).
    public var members: Int

    public init(bytes: [UInt8], trailingGarbageBytes: Int, members: Int) {
      self.bytes = bytes
      self.trailingGarbageBytes = trailingGarbageBytes
      self.members = members
    }
  }

  /// Decodes raw DEFLATE data (RFC 1951, no header or check value).
  public static func raw(_ bytes: [UInt8], limit: Int) throws(CompressionError) -> [UInt8] {
    try decode(bytes, wrapper: .raw, limit: limit).bytes
  }

  /// Decodes raw DEFLATE data (RFC 1951, no header or check value).
  public static func raw(_ bytes: UnsafeRawBufferPointer, limit: Int) throws(CompressionError) -> [UInt8] {
    try decode(bytes, wrapper: .raw, limit: limit).bytes
  }

  /// Decodes gzip data (RFC 1952), every member, checking each CRC-32 and ISIZE.
  public static func gzip(_ bytes: [UInt8], limit: Int) throws(CompressionError) -> [UInt8] {
    try decode(bytes, wrapper: .gzip, limit: limit).bytes
  }

  /// Decodes zlib data (RFC 1950), checking its Adler-32.
  public static func zlib(_ bytes: [UInt8], limit: Int) throws(CompressionError) -> [UInt8] {
    try decode(bytes, wrapper: .zlib, limit: limit).bytes
  }

  /// Decodes `bytes` in `wrapper`, saying what followed the stream.
  public static func decode(
    _ bytes: [UInt8], wrapper: DecompressingReader.Wrapper, limit: Int
  ) throws(CompressionError) -> Decoded {
    let result = bytes.withUnsafeBytes { raw in
      Result { () throws(CompressionError) in try decode(raw, wrapper: wrapper, limit: limit) }
    }
    return try result.get()
  }

  /// Decodes `bytes` in `wrapper`, saying what followed the stream.
  public static func decode(
    _ bytes: UnsafeRawBufferPointer, wrapper: DecompressingReader.Wrapper, limit: Int
  ) throws(CompressionError) -> Decoded {
    let decoder = StreamDecoder(wrapper: wrapper, limit: limit)
    var output = [UInt8]()
    var position = 0
    while true {
      position += try decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[position...]), isFinal: true)
      let pending = decoder.pending
      output.append(contentsOf: pending)
      decoder.take(pending.count)
      if decoder.isFinished { break }
    }
    return Decoded(bytes: output, trailingGarbageBytes: decoder.trailingGarbageBytes, members: decoder.members)
  }
}
