#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Compression

/// A buffered output stream written gzip-compressed into a file, in process (`GzipEncoder`:
/// fixed-Huffman DEFLATE, a header without name or time stamp, so the same text always gives
/// the same bytes). No `gzip` program is needed.
public final class GzipFile {
  private let path: String
  private var descriptor: Int32
  private var encoder = GzipEncoder()
  private var buffer: [UInt8] = []

  /// Creates (or truncates) `path`.
  public init(path: String) throws(IngestError) {
    self.path = path
    descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw .unwritable(path: path, reason: "cannot create it: \(String(cString: strerror(errno))); check the folder exists and is writable")
    }
    buffer.reserveCapacity(1 << 16)
  }

  deinit {
    if descriptor >= 0 { Glibc.close(descriptor) }
  }

  /// Appends `text`.
  public func write(_ text: String) throws(IngestError) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { try flush() }
  }

  private func flush() throws(IngestError) {
    let compressed = buffer.withUnsafeBytes { encoder.compress($0) }
    buffer.removeAll(keepingCapacity: true)
    try put(compressed)
  }

  private func put(_ bytes: [UInt8]) throws(IngestError) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .unwritable(path: path, reason: "write failed: \(String(cString: strerror(errno))); check free space and the file-size limit (ulimit -f)")
      }
      offset += n
    }
  }

  /// Writes the rest of the stream and closes the file; a failure is an error.
  public func close() throws(IngestError) {
    try flush()
    try put(encoder.finish())
    let result = Glibc.close(descriptor)
    descriptor = -1
    guard result == 0 else {
      throw .unwritable(path: path, reason: "closing it failed: \(String(cString: strerror(errno))); check free space")
    }
  }
}
