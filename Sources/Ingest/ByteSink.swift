#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes output files: whole documents atomically (temporary file, then rename) and large
/// generated files through a buffered stream.
public enum ByteSink {
  /// Creates `path` and its missing parents, like `mkdir -p`.
  public static func makeDirectory(_ path: String) throws(IngestError) {
    var current = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") where !component.isEmpty {
      current += (current.isEmpty || current == "/" ? "" : "/") + component
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw .unreadable(path: current, reason: "cannot create directory: \(String(cString: strerror(errno)))")
      }
    }
  }

  /// Writes `text` to `path` atomically.
  public static func write(_ text: String, to path: String) throws(IngestError) {
    let temporary = path + ".tmp-holdout"
    guard let file = fopen(temporary, "wb") else {
      throw .unreadable(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
    }
    var utf8 = Array(text.utf8)
    let written = utf8.withUnsafeMutableBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file)
    guard written == utf8.count, closed == 0, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw .unreadable(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
    }
  }

  /// The contents of `path`, or nil when it does not exist.
  public static func read(_ path: String) throws(IngestError) -> String? {
    do {
      let bytes = try ByteSource(path: path).readAll(limit: 1 << 30)
      return String(decoding: bytes, as: UTF8.self)
    } catch {
      if case .fileNotFound = error { return nil }
      throw error
    }
  }
}

/// A buffered output stream to a file, for large generated files.
public final class BufferedFile {
  private let file: UnsafeMutablePointer<FILE>
  private let path: String
  private var buffer: [UInt8] = []

  /// Opens `path` for writing (truncating it).
  public init(path: String) throws(IngestError) {
    guard let file = fopen(path, "wb") else {
      throw .unreadable(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
    }
    self.file = file
    self.path = path
    buffer.reserveCapacity(1 << 16)
  }

  /// Appends `text`.
  public func write(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }

  private func flush() {
    buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes and closes the file.
  public func close() throws(IngestError) {
    flush()
    if fclose(file) != 0 {
      throw .unreadable(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
    }
  }
}
