#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A readable stream of bytes: a file, a gzip-compressed file, or standard input for `-`.
///
/// Reads go straight to `read(2)` into the caller's buffer, so a file of any size is processed in
/// bounded memory. A file starting with the gzip magic bytes (`1f 8b`) is decompressed by a
/// `gzip -dc` child process whose output is read through a pipe (every Linux has gzip; nothing
/// is linked). Its exit status is checked at end of input, so a truncated or corrupt archive is an
/// error, not a short file. Standard input cannot be sniffed without consuming it: compressed
/// standard input is refused with the command that fixes it.
public final class ByteSource {
  /// The path as given (`-` for standard input); used in messages.
  public let path: String
  /// True when the file is gzip-compressed and read through `gzip -dc`.
  public let isCompressed: Bool
  private var descriptor: Int32
  private let ownsDescriptor: Bool
  private var child: pid_t = 0
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
    if sniffed > 0, let container = ContainerMagic.of(head[..<sniffed]), !allowing.contains(container) {
      close(fd)
      throw .undecodable(path: path, reason: "is a \(container.rawValue) file, not CSV or JSON text; \(container.advice)")
    }
    if sniffed >= 2 && head[0] == 0x1F && head[1] == 0x8B {
      close(fd)
      byteCount = nil
      isCompressed = true
      ownsDescriptor = true
      descriptor = -1
      (descriptor, child) = try Self.spawnGzip(path: path)
      return
    }
    isCompressed = false
    descriptor = fd
    ownsDescriptor = true
    byteCount = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
  }

  deinit {
    if ownsDescriptor && descriptor >= 0 { close(descriptor) }
    if child > 0 {
      var status: Int32 = 0
      _ = waitpid(child, &status, 0)
    }
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
    while true {
      let n = Glibc.read(descriptor, buffer, count)
      if n > 0 {
        if !checkedStandardInput {
          checkedStandardInput = true
          if n >= 2 && buffer.load(as: UInt8.self) == 0x1F
            && buffer.load(fromByteOffset: 1, as: UInt8.self) == 0x8B
          {
            throw .undecodable(
              path: path,
              reason: "standard input is gzip-compressed; pipe it through `gzip -dc` first, or pass the file's path")
          }
        }
        return n
      }
      if n == 0 {
        try finishChild()
        return 0
      }
      if errno == EINTR { continue }
      throw IngestError.reading(path, errno: errno)
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

  /// Waits for `gzip -dc` at end of input and turns a failure into an error.
  private func finishChild() throws(IngestError) {
    guard child > 0 else { return }
    var status: Int32 = 0
    var waited: pid_t
    repeat { waited = waitpid(child, &status, 0) } while waited < 0 && errno == EINTR
    child = 0
    let exited = (status & 0x7F) == 0
    let code = (status >> 8) & 0xFF
    if waited >= 0 && !exited {
      let signal = status & 0x7F
      throw .unreadable(
        path: path,
        reason: "`gzip -dc` was killed by signal \(signal) (\(String(cString: strsignal(signal)))) while decompressing it; run again, or decompress it first (gzip -dc) and read the plain file")
    }
    // Exit status 2 is gzip's warning, not a failure: "decompression OK, trailing garbage
    // ignored" (bytes after the last member: padding some uploaders add). The data is complete,
    // and gzip has said so on standard error itself.
    if waited < 0 || (code != 0 && code != 2) {
      throw .undecodable(
        path: path,
        reason: "`gzip -dc` failed (exit status \(code)): the archive is truncated or corrupt; re-download or re-export it")
    }
  }

  /// Starts `gzip -dc -- path` with its standard output on a pipe; returns the read end and pid.
  /// Both ends are close-on-exec (`ChildProcess.makePipe`).
  private static func spawnGzip(path: String) throws(IngestError) -> (Int32, pid_t) {
    var fds: [Int32] = [-1, -1]
    guard ChildProcess.makePipe(&fds) else {
      throw .unreadable(path: path, reason: "cannot create a pipe: \(String(cString: strerror(errno)))")
    }
    let result = ChildProcess.spawn(["gzip", "-dc", "--", path]) { actions in
      posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
      posix_spawn_file_actions_addclose(&actions, fds[0])
      posix_spawn_file_actions_addclose(&actions, fds[1])
      posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    close(fds[1])
    switch result {
    case .success(let pid): return (fds[0], pid)
    case .failure(let code):
      close(fds[0])
      throw .unreadable(
        path: path,
        reason: "it is gzip-compressed and `gzip` could not be started (\(String(cString: strerror(code)))); install gzip or decompress it first")
    }
  }

  /// Reads the whole input into memory (for small inputs such as experiment files).
  /// Stops with `.tooLarge` past `limit` bytes; `what` names the kind of file in that message.
  public func readAll(limit: Int = 64 << 20, what: String = "this kind of file") throws(IngestError) -> [UInt8] {
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
        throw .tooLarge(path: path, limit: limit, what: what)
      }
    }
    return result
  }
}
