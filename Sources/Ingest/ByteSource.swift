#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A readable stream of bytes: a file, or standard input for the path `-`.
///
/// Reads go straight to `read(2)` into the caller's buffer, so a file of any size is processed in
/// bounded memory.
public final class ByteSource {
  /// The path as given (`-` for standard input); used in messages.
  public let path: String
  private let descriptor: Int32
  private let ownsDescriptor: Bool

  /// Opens `path` for reading; `-` means standard input.
  public init(path: String) throws(IngestError) {
    self.path = path
    if path == "-" {
      descriptor = 0
      ownsDescriptor = false
      return
    }
    let fd = open(path, O_RDONLY)
    if fd < 0 {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
      throw .unreadable(path: path, reason: String(cString: strerror(code)))
    }
    var info = stat()
    if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw .unreadable(path: path, reason: "it is a directory")
    }
    descriptor = fd
    ownsDescriptor = true
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// Reads up to `count` bytes into `buffer`; returns the number read, 0 at end of input.
  public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(IngestError) -> Int {
    while true {
      let n = Glibc.read(descriptor, buffer, count)
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
  }

  /// Reads the whole input into memory (for small inputs such as experiment files).
  public func readAll(limit: Int = 64 << 20) throws(IngestError) -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      var failure: IngestError?
      let n = chunk.withUnsafeMutableBytes { raw -> Int in
        do { return try read(into: raw.baseAddress!, count: raw.count) } catch {
          failure = error as? IngestError ?? .unreadable(path: path, reason: "\(error)")
          return 0
        }
      }
      if let failure { throw failure }
      if n == 0 { break }
      result.append(contentsOf: chunk[0..<n])
      if result.count > limit {
        throw .unreadable(path: path, reason: "larger than \(limit >> 20) MiB")
      }
    }
    return result
  }
}
