#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a zip archive's bytes are: an open file read with `pread` (no shared file position, so
/// several member readers may read at once), or bytes in memory (tests, the fuzz target).
final class ZipSource: @unchecked Sendable {
  private enum Storage {
    case descriptor(Int32)
    case bytes([UInt8])
  }

  private let storage: Storage
  /// The archive's size in bytes.
  let size: Int

  init(path: String) throws(CompressionError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw .unsupported(format: "zip", offset: 0, feature: "a file that cannot be opened (\(String(cString: strerror(errno))))")
    }
    var status = stat()
    guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      close(fd)
      throw .unsupported(format: "zip", offset: 0, feature: "a path that is not a regular file")
    }
    storage = .descriptor(fd)
    size = Int(status.st_size)
  }

  init(bytes: [UInt8]) {
    storage = .bytes(bytes)
    size = bytes.count
  }

  deinit {
    if case .descriptor(let fd) = storage { close(fd) }
  }

  /// Fills `buffer` from `offset`; returns the bytes read (fewer only at the end of the archive).
  func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(CompressionError) -> Int {
    guard offset >= 0, offset < size, buffer.count > 0 else { return 0 }
    let count = Swift.min(buffer.count, size - offset)
    switch storage {
    case .bytes(let bytes):
      bytes.withUnsafeBytes { raw in
        buffer.baseAddress.unsafelyUnwrapped.copyMemory(from: raw.baseAddress.unsafelyUnwrapped + offset, byteCount: count)
      }
      return count
    case .descriptor(let fd):
      var done = 0
      while done < count {
        let n = pread(fd, buffer.baseAddress.unsafelyUnwrapped + done, count - done, off_t(offset + done))
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else {
          if n == 0 { break }
          throw .truncated(format: "zip", offset: offset + done)
        }
        done += n
      }
      return done
    }
  }

  /// `count` bytes from `offset` (`count` is bounded by the caller: at most the archive's size).
  func bytes(at offset: Int, count: Int) throws(CompressionError) -> [UInt8] {
    guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
      throw .truncated(format: "zip", offset: Swift.min(Swift.max(offset, 0), size))
    }
    var result = [UInt8](repeating: 0, count: count)
    let read = result.withUnsafeMutableBytes { raw in
      Result { () throws(CompressionError) in try self.read(into: raw, at: offset) }
    }
    let n = try read.get()
    guard n == count else { throw .truncated(format: "zip", offset: offset + n) }
    return result
  }
}

/// Little-endian fields of a zip record in memory.
struct ZipFields {
  let bytes: [UInt8]
  let base: Int

  func u16(_ at: Int) -> Int { Int(bytes[base + at]) | Int(bytes[base + at + 1]) << 8 }
  func u32(_ at: Int) -> UInt32 {
    UInt32(bytes[base + at]) | UInt32(bytes[base + at + 1]) << 8 | UInt32(bytes[base + at + 2]) << 16
      | UInt32(bytes[base + at + 3]) << 24
  }
  func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
}
