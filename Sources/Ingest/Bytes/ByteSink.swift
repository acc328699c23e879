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
      if mkdir(current, 0o755) != 0 {
        let code = errno
        var info = stat()
        guard code == EEXIST else { throw IngestError.writing(current, errno: code) }
        if stat(current, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR {
          throw IngestError.writing(current, errno: EEXIST)
        }
      }
    }
  }

  /// Writes `text` to `path` atomically: to a temporary file beside it
  /// (`.NAME.<pid>.tmp-holdout`), flushed to the disk (`fsync`), then renamed over `path`. A
  /// reader, or a run killed at any moment, sees the old file or the complete new one, never a
  /// torn one; two runs writing the same file at once each rename their own complete file.
  /// Temporary files that killed runs left in the folder are removed first
  /// (`removeStaleTemporaries`).
  public static func write(_ text: String, to path: String) throws(IngestError) {
    removeStaleTemporaries(in: folder(of: path))
    let temporary = temporaryPath(for: path)
    var code = writeFile(text, to: temporary)
    if code == 0 && rename(temporary, path) != 0 { code = errno }
    if code != 0 {
      unlink(temporary)
      throw IngestError.writing(path, errno: code)
    }
    syncDirectory(of: path)
  }

  /// The temporary file beside `path` that `write` and `writeSet` fill before the rename; it
  /// carries this process's id, so concurrent runs never write one file and a later run can tell
  /// a dead run's file from a live one's.
  static func temporaryPath(for path: String) -> String {
    let suffix = ".\(getpid())" + temporarySuffix
    guard let slash = path.lastIndex(of: "/") else { return ".\(path)" + suffix }
    return String(path[...slash]) + "." + String(path[path.index(after: slash)...]) + suffix
  }

  /// The end of every temporary file's name.
  static let temporarySuffix = ".tmp-holdout"

  /// The folder of `path` (`.` for a bare name).
  static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// Removes the temporary files (`.NAME.<pid>.tmp-holdout`) in `directory` whose process is no
  /// longer running (a run killed before its rename), and those of older builds, named without
  /// a pid (`.NAME.tmp-holdout`). A live process's file is left alone. Best effort: a folder
  /// that cannot be read is left as it is. Returns the names removed.
  @discardableResult
  public static func removeStaleTemporaries(in directory: String) -> [String] {
    guard let handle = opendir(directory) else { return [] }
    defer { closedir(handle) }
    var removed: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard name.hasPrefix("."), name.hasSuffix(temporarySuffix) else { continue }
      let stem = name.dropLast(temporarySuffix.count)
      if let dot = stem.lastIndex(of: "."), let pid = Int32(stem[stem.index(after: dot)...]), pid > 0 {
        // kill(pid, 0) fails with ESRCH only when no such process exists.
        guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
      }
      if unlink(directory + "/" + name) == 0 { removed.append(name) }
    }
    return removed.sorted()
  }

  /// Creates (or truncates) `path`, writes `text`, flushes it to the disk and closes it; returns
  /// 0, or the `errno` of the first failure (a full disk, `EFBIG` past `ulimit -f`).
  private static func writeFile(_ text: String, to path: String) -> Int32 {
    guard let file = fopen(path, "wb") else { return errno }
    var utf8 = Array(text.utf8)
    let written = utf8.withUnsafeMutableBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    var code = written == utf8.count ? 0 : errno
    if code == 0 && fflush(file) != 0 { code = errno }
    if code == 0 && fsync(fileno(file)) != 0 && errno != EINVAL && errno != EROFS { code = errno }
    if fclose(file) != 0 && code == 0 { code = errno }
    return code
  }

  /// Flushes the directory holding `path` (its new entry after a rename), best effort.
  private static func syncDirectory(of path: String) {
    let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
  }

  /// Writes several files into `directory` as a set: all of them or none. Each is first
  /// written in full to a temporary file beside its target; only when every one is written
  /// (so a full disk or a bad name fails before anything is replaced) are they renamed into
  /// place. On failure the temporary files are removed, and so is `directory` if this call
  /// created it and it is empty. A target that is a directory is refused before anything is
  /// renamed. Each temporary file is flushed to the disk (`fsync`) before any rename. (Renames
  /// within one directory need no space; a crash between two renames can leave some files new
  /// and some old, never a torn file.)
  public static func writeSet(_ files: [(name: String, text: String)], into directory: String) throws(IngestError) {
    var info = stat()
    let existed = stat(directory, &info) == 0
    try makeDirectory(directory)
    removeStaleTemporaries(in: directory)
    var written: [String] = []
    func abandon() {
      for temporary in written { unlink(temporary) }
      if !existed { rmdir(directory) }
    }
    for file in files {
      let path = directory + "/" + file.name
      if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        abandon()
        throw IngestError.writing(path, errno: EISDIR)
      }
      let temporary = temporaryPath(for: path)
      written.append(temporary)
      let code = writeFile(file.text, to: temporary)
      if code != 0 {
        abandon()
        throw IngestError.writing(path, errno: code)
      }
    }
    for (file, temporary) in zip(files, written) where rename(temporary, directory + "/" + file.name) != 0 {
      let code = errno
      abandon()
      throw IngestError.writing(directory + "/" + file.name, errno: code)
    }
    syncDirectory(of: directory + "/.")
  }

  /// The contents of `path`, or nil when it does not exist.
  public static func read(_ path: String) throws(IngestError) -> String? {
    do {
      let bytes = try ByteSource(path: path).readAll(limit: 1 << 30, what: "a committed report")
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
  /// The errno of the first failed write, 0 while none failed.
  private var failure: Int32 = 0

  /// Opens `path` for writing (truncating it).
  public init(path: String) throws(IngestError) {
    guard let file = fopen(path, "wb") else { throw IngestError.writing(path, errno: errno) }
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
    let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    if written != buffer.count && failure == 0 { failure = errno }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes and closes the file; the first failed write (a full disk) is reported here.
  public func close() throws(IngestError) {
    flush()
    if fclose(file) != 0 && failure == 0 { failure = errno }
    if failure != 0 { throw IngestError.writing(path, errno: failure) }
  }
}
