#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Compression

/// A readable stream of bytes: a file, a gzip-compressed file, or standard input for `-`.
///
/// Reads go straight to `read(2)` into the caller's buffer, so a file of any size is processed in
/// bounded memory. A file starting with the gzip magic bytes (`1f 8b`) is decompressed in
/// process (`Compression.DecompressingReader`: every member, each CRC-32 and ISIZE checked), so
/// a truncated or corrupt archive is an error naming the byte offset, not a short file; no
/// outside program is needed. Bytes after the last member are accepted (all-zero padding some
/// uploaders add, or GNU gzip's "trailing garbage ignored": the data before them is whole and
/// checked). Standard input is sniffed on its first read and decompressed the same way when it is
/// gzip-compressed.
public final class ByteSource {
  /// The path as given (`-` for standard input); used in messages.
  public let path: String
  /// True when the file is gzip-compressed and decompressed as it is read.
  public let isCompressed: Bool
  /// The binary container the file's first bytes announce, when `init(path:allowing:)` allowed it.
  public private(set) var container: ContainerMagic? = nil
  private var descriptor: Int32
  private let ownsDescriptor: Bool
  private var inflater: DecompressingReader? = nil
  /// A zip archive's member, read in place (`init(member:path:)`).
  private var member: ZipMemberReader? = nil
  private var checkedStandardInput: Bool
  private var memory: [UInt8]? = nil
  private var memoryOffset = 0
  /// Bytes handed back by `unread`, served before the rest of the input.
  private var replay: [UInt8] = []
  private var replayOffset = 0
  /// The number of bytes the source will yield, when known in advance: a regular uncompressed
  /// file or bytes in memory. Nil for standard input, pipes and compressed files.
  public let byteCount: Int?

  /// A source over bytes already in memory (a chunk of a larger file); `path` is for messages.
  public init(bytes: [UInt8], path: String) {
    self.path = path
    isCompressed = false
    descriptor = -1
    ownsDescriptor = false
    checkedStandardInput = true
    memory = bytes
    byteCount = bytes.count
  }

  /// A source over a whole file already read (`readWhole`), told apart by its first bytes as
  /// `init(path:allowing:)` tells a file: a binary container is refused unless `allowing` names
  /// it, and gzip is decompressed (from memory) as it is read.
  public init(wholeFile bytes: [UInt8], path: String, allowing: Set<ContainerMagic> = []) throws(IngestError) {
    self.path = path
    descriptor = -1
    ownsDescriptor = false
    checkedStandardInput = true
    if let container = ContainerMagic.of(bytes.prefix(16)) {
      guard allowing.contains(container) else { throw container.refusal(path: path) }
      self.container = container
    }
    guard bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B else {
      isCompressed = false
      memory = bytes
      byteCount = bytes.count
      return
    }
    isCompressed = true
    byteCount = nil
    var offset = 0
    inflater = DecompressingReader(wrapper: .gzip) { buffer in
      let n = min(buffer.count, bytes.count - offset)
      bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
      offset += n
      return n
    }
  }

  /// The bytes of the file at `path`, read whole with as few system calls as can be: `open`,
  /// `read` into a buffer of `expectedSize` + 1 bytes (the size listed; a file that grew is read
  /// on), one `read` that sees the end, `close` (no `fstat`, no look at the first bytes apart).
  /// A folder is `.notAFile`; more than `limit` bytes is `.tooLarge` (`what` names the kind).
  /// With `folder`, the file is opened as `relative` under it (`OpenFolder`); `path` names it in
  /// errors either way.
  public static func readWhole(
    path: String, in folder: OpenFolder? = nil, relative: String? = nil, expectedSize: Int, limit: Int, what: String
  ) throws(IngestError) -> [UInt8] {
    let fd: Int32
    if let folder, let relative { fd = folder.open(relative, flags: O_RDONLY) } else { fd = open(path, O_RDONLY | O_CLOEXEC) }
    guard fd >= 0 else { throw .reading(path, errno: errno) }
    defer { close(fd) }
    var result: [UInt8] = []
    var want = min(max(expectedSize, 0), limit) + 1
    while true {
      let piece = try filled(want) { buffer, count throws(IngestError) in
        while true {
          let n = Glibc.read(fd, buffer, count)
          if n >= 0 { return n }
          if errno == EINTR { continue }
          if errno == EISDIR { throw .notAFile(path: path, kind: "a directory") }
          throw .reading(path, errno: errno)
        }
      }
      let full = piece.count == want
      if result.isEmpty { result = piece } else { result += piece }
      if result.count > limit { throw .tooLarge(path: path, limit: limit, what: what) }
      // Short of the buffer: the end was seen. Full: the file grew since it was listed.
      if !full { return result }
      want = max(want, 1 << 16)
    }
  }

  /// Up to `capacity` bytes from `read` (which fills a prefix of the buffer it is given and
  /// returns the count, 0 at the end), read straight into the result: no zeroed buffer to copy
  /// from. Fewer bytes than `capacity` means the end was seen.
  private static func filled(
    _ capacity: Int, from read: (UnsafeMutableRawPointer, Int) throws(IngestError) -> Int
  ) throws(IngestError) -> [UInt8] {
    var failure: IngestError?
    let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
      while count < buffer.count {
        let n: Int
        do throws(IngestError) { n = try read(buffer.baseAddress! + count, buffer.count - count) } catch {
          failure = error
          return
        }
        if n == 0 { return }
        count += n
      }
    }
    if let failure { throw failure }
    return bytes
  }

  /// Reads a member of a zip archive (`FileTree` lists them); `path` names it in messages
  /// (`export.zip:2026/a.json.gz`). A member that is itself gzip-compressed is decompressed too.
  public init(member: FileTree.ZipMember, path: String) throws(IngestError) {
    self.path = path
    isCompressed = member.member.method != 0
    descriptor = -1
    ownsDescriptor = false
    checkedStandardInput = false
    byteCount = nil
    do throws(CompressionError) {
      self.member = try member.archive.reader(for: member.member)
    } catch {
      throw .undecodable(path: path, reason: "cannot be read from its archive: \(error.description)")
    }
  }

  /// Opens `path` for reading; `-` means standard input. A file of a binary format recognised
  /// by its first bytes (`ContainerMagic`: Parquet, Avro, zip, xz…) is refused by name with the
  /// way to read it, unless `allowing` names it (the Avro reader opens Avro files).
  public init(path: String, allowing: Set<ContainerMagic> = []) throws(IngestError) {
    self.path = path
    if path == "-" {
      descriptor = 0
      ownsDescriptor = false
      isCompressed = false
      checkedStandardInput = false
      byteCount = nil
      return
    }
    checkedStandardInput = true
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      throw IngestError.reading(path, errno: errno)
    }
    var info = stat()
    if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw .notAFile(path: path, kind: "a directory")
    }
    var head = [UInt8](repeating: 0, count: 16)
    let sniffed = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 16, 0) }
    if sniffed > 0, let container = ContainerMagic.of(head[..<sniffed]) {
      guard allowing.contains(container) else {
        close(fd)
        throw container.refusal(path: path)
      }
      self.container = container
    }
    if sniffed >= 2 && head[0] == 0x1F && head[1] == 0x8B {
      byteCount = nil
      isCompressed = true
      ownsDescriptor = true
      descriptor = fd
      inflater = DecompressingReader(wrapper: .gzip) { buffer throws(IngestError) in
        while true {
          let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
          if n >= 0 { return n }
          if errno == EINTR { continue }
          throw IngestError.reading(path, errno: errno)
        }
      }
      return
    }
    isCompressed = false
    descriptor = fd
    ownsDescriptor = true
    byteCount = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
  }

  deinit {
    if ownsDescriptor && descriptor >= 0 { close(descriptor) }
  }

  /// Reads up to `count` bytes into `buffer`; returns the number read, 0 at end of input.
  public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(IngestError) -> Int {
    if replayOffset < replay.count {
      let n = min(count, replay.count - replayOffset)
      replay.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + replayOffset, byteCount: n) }
      replayOffset += n
      if replayOffset == replay.count {
        replay = []
        replayOffset = 0
      }
      return n
    }
    if let memory {
      let n = min(count, memory.count - memoryOffset)
      if n > 0 {
        memory.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + memoryOffset, byteCount: n) }
        memoryOffset += n
      }
      return n
    }
    if let inflater { return try inflate(inflater, into: buffer, count: count) }
    let n = try readRaw(buffer, count)
    if n >= 2 && !checkedStandardInput {
      checkedStandardInput = true
      if buffer.load(as: UInt8.self) == 0x1F && buffer.load(fromByteOffset: 1, as: UInt8.self) == 0x8B {
        // Compressed standard input or zip member: the bytes read so far start the stream.
        var head = Array(UnsafeRawBufferPointer(start: buffer, count: n))
        let reader = DecompressingReader(wrapper: .gzip) { [unowned self] out throws(IngestError) in
          if !head.isEmpty {
            let k = min(head.count, out.count)
            out.copyBytes(from: head[..<k])
            head.removeFirst(k)
            return k
          }
          return try self.readRaw(out.baseAddress!, out.count)
        }
        inflater = reader
        return try inflate(reader, into: buffer, count: count)
      }
    }
    return n
  }

  /// Bytes as stored: from the zip member, or from the descriptor.
  private func readRaw(_ buffer: UnsafeMutableRawPointer, _ count: Int) throws(IngestError) -> Int {
    if let member {
      do {
        return try member.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: count))
      } catch {
        throw .undecodable(path: path, reason: "cannot be read from its archive: \(error.description)")
      }
    }
    while true {
      let n = Glibc.read(descriptor, buffer, count)
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw IngestError.reading(path, errno: errno)
    }
  }

  /// Decompressed bytes from `inflater`, its errors named for this file.
  private func inflate(_ inflater: DecompressingReader, into buffer: UnsafeMutableRawPointer, count: Int) throws(IngestError) -> Int {
    do {
      return try inflater.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: count))
    } catch let error as CompressionError {
      throw .undecodable(path: path, reason: "is gzip-compressed and " + error.description)
    } catch let error as IngestError {
      throw error
    } catch {
      throw .unreadable(path: path, reason: "\(error)")
    }
  }

  /// Hands `bytes` back to the source: the next reads return them, then what follows them. For
  /// looking at the start of a stream that cannot be read twice (a gzip pipe, standard input)
  /// before choosing its reader (`JSONFraming.detect`).
  public func unread(_ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    replay = bytes + replay[replayOffset...]
    replayOffset = 0
  }

  /// Reads the whole input into memory (for small inputs such as experiment files).
  /// Stops with `.tooLarge` past `limit` bytes; `what` names the kind of file in that message.
  public func readAll(limit: Int = 64 << 20, what: String = "this kind of file") throws(IngestError) -> [UInt8] {
    var result: [UInt8] = []
    if let memory, inflater == nil {
      // Bytes in memory (a whole file read ahead): what is left of them, without copying twice.
      result = replayOffset < replay.count ? Array(replay[replayOffset...]) : []
      if result.isEmpty && memoryOffset == 0 { result = memory } else { result += memory[memoryOffset...] }
      replay = []
      replayOffset = 0
      memoryOffset = memory.count
      if result.count > limit { throw .tooLarge(path: path, limit: limit, what: what) }
      return result
    }
    if let expected = byteCount, expected <= limit, memory == nil, inflater == nil, member == nil, replay.isEmpty {
      // A plain file of known size (the many small files of a folder): read straight into the
      // result, with no zeroed buffer to copy from; one more read sees the end (or a file that
      // grew, read on below).
      result = try Self.filled(expected + 1) { buffer, count throws(IngestError) in try readRaw(buffer, count) }
      if result.count <= expected { return result }
      if result.count > limit { throw .tooLarge(path: path, limit: limit, what: what) }
    }
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
        throw .tooLarge(path: path, limit: limit, what: what)
      }
    }
    return result
  }
}
