#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A buffered output stream compressed by a `gzip -n -c` child process into a file (`-n`: no
/// name or time stamp in the header, so the same text always gives the same bytes with the same
/// gzip). Nothing is linked: every Linux has gzip.
public final class GzipFile {
  private let path: String
  private var descriptor: Int32
  private var child: pid_t
  private var buffer: [UInt8] = []

  /// Starts `gzip -n -c > path`, through a close-on-exec pipe (`ChildProcess.makePipe`).
  public init(path: String) throws(IngestError) {
    self.path = path
    var fds: [Int32] = [-1, -1]
    guard ChildProcess.makePipe(&fds) else {
      throw IngestError.unwritable(path: path, reason: "cannot create a pipe to gzip: \(String(cString: strerror(errno)))")
    }
    let result = ChildProcess.spawn(["gzip", "-n", "-c", "-6"]) { actions in
      posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
      posix_spawn_file_actions_addclose(&actions, fds[0])
      posix_spawn_file_actions_addclose(&actions, fds[1])
      posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    }
    Glibc.close(fds[0])
    switch result {
    case .success(let pid):
      descriptor = fds[1]
      child = pid
    case .failure(let code):
      Glibc.close(fds[1])
      throw .unwritable(path: path, reason: "cannot start gzip (\(String(cString: strerror(code)))); install gzip (Debian: apt-get install gzip)")
    }
    buffer.reserveCapacity(1 << 16)
  }

  deinit {
    if descriptor >= 0 { Glibc.close(descriptor) }
    if child > 0 {
      var status: Int32 = 0
      _ = waitpid(child, &status, 0)
    }
  }

  /// Appends `text`.
  public func write(_ text: String) throws(IngestError) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { try flush() }
  }

  private func flush() throws(IngestError) {
    var offset = 0
    while offset < buffer.count {
      let n = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        let code = errno
        throw .unwritable(path: path, reason: "write to gzip failed: \(String(cString: strerror(code))) (gzip stopped: is the disk full, or was gzip killed?)")
      }
      offset += n
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes, closes the pipe and waits for gzip; a failure is an error.
  public func close() throws(IngestError) {
    try flush()
    Glibc.close(descriptor)
    descriptor = -1
    var status: Int32 = 0
    let waited = waitpid(child, &status, 0)
    child = 0
    guard waited > 0, status == 0 else {
      let how = (status & 0x7F) == 0 ? "exit status \((status >> 8) & 0xFF)" : "killed by signal \(status & 0x7F)"
      throw .unwritable(path: path, reason: "gzip failed writing it (\(how)); check free space, the file-size limit (ulimit -f) and the directory's permissions")
    }
  }
}
