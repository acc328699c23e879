/// A pull-style reader of decompressed bytes: it asks `readInput` for compressed bytes as it
/// needs them and decodes into the caller's buffer, in memory that does not depend on the
/// stream (the 288 KiB `Inflater` buffer plus one input buffer).
///
/// gzip input may hold several members, decoded one after another; each member's CRC-32 and
/// ISIZE, and a zlib stream's Adler-32, are checked before the reader returns 0 (end of
/// stream), so the caller's last `read` throws if the data is corrupt. Bytes after the stream
/// are counted, not decoded: all-zero padding is accepted silently; anything else sets
/// `trailingGarbageBytes` (GNU gzip's "trailing garbage ignored") and the caller decides.
///
/// ```swift
/// let reader = DecompressingReader(wrapper: .gzip) { buffer in try file.read(into: buffer) }
/// while true {
///   let n = try reader.read(into: chunk)
///   if n == 0 { break }
///   …
/// }
/// ```
public final class DecompressingReader {
  /// What surrounds the DEFLATE data.
  public enum Wrapper: Sendable, Equatable {
    /// RFC 1952: one or more members, each with a header and a CRC-32/ISIZE trailer.
    case gzip
    /// RFC 1950: a 2-byte header and an Adler-32 trailer.
    case zlib
    /// RFC 1951 alone (zip members, Avro's deflate codec).
    case raw
  }

  private let decoder: StreamDecoder
  private let readInput: (UnsafeMutableRawBufferPointer) throws -> Int
  private let input: UnsafeMutableRawBufferPointer
  private var inputStart = 0
  private var inputEnd = 0
  private var atEnd = false

  /// A reader of the stream that `readInput` supplies.
  ///
  /// - Parameters:
  ///   - wrapper: gzip, zlib, or raw DEFLATE.
  ///   - limit: the most decompressed bytes accepted; more throws `.limitExceeded`.
  ///   - inputBufferSize: the size of the pieces asked of `readInput` (64 KiB by default).
  ///   - readInput: fills a prefix of the buffer it is given and returns the byte count, 0 at the
  ///     end of the input. An error it throws reaches the caller of `read` unchanged.
  public init(
    wrapper: Wrapper, limit: Int = .max, inputBufferSize: Int = 1 << 16,
    readInput: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
  ) {
    decoder = StreamDecoder(wrapper: wrapper, limit: limit)
    self.readInput = readInput
    input = .allocate(byteCount: Swift.max(1, inputBufferSize), alignment: 8)
  }

  deinit { input.deallocate() }

  /// Decompressed bytes into a prefix of `buffer`; returns their count, 0 at the end of the stream
  /// (after the check values are verified).
  ///
  /// - Throws: `CompressionError` for bad data, or what `readInput` throws.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard buffer.count > 0 else { return 0 }
    while true {
      let pending = decoder.pending
      if pending.count > 0 {
        let n = Swift.min(pending.count, buffer.count)
        buffer.baseAddress.unsafelyUnwrapped.copyMemory(from: pending.baseAddress.unsafelyUnwrapped, byteCount: n)
        decoder.take(n)
        return n
      }
      if decoder.isFinished { return 0 }
      if inputStart == inputEnd && !atEnd {
        let n = try readInput(input)
        precondition(n >= 0 && n <= input.count, "readInput returned \(n) for a buffer of \(input.count) bytes")
        if n == 0 { atEnd = true }
        inputStart = 0
        inputEnd = n
      }
      let piece = UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd])
      inputStart += try decoder.decode(piece, isFinal: atEnd)
    }
  }

  /// Bytes after the last gzip member (or the zlib/raw stream) when any of them is not zero;
  /// 0 when there are none or all are zero padding. Final once `read` has returned 0.
  public var trailingGarbageBytes: Int { decoder.trailingGarbageBytes }

  /// The gzip members (or zlib/raw streams) decoded and checked so far.
  public var members: Int { decoder.members }

  /// Decompressed bytes produced so far.
  public var decompressedBytes: Int { decoder.produced }
}
