#if canImport(Glibc)
  import Glibc
#endif

extension EventStore {
  /// What `init` did with the `.jsonl.tmp` files a previous run left open (killed, or a file its
  /// `close()` could not rename). The server logs it at start.
  public struct Recovery: Sendable, Equatable, CustomStringConvertible {
    /// Files renamed to `.jsonl`.
    public var filesClosed = 0
    /// Files removed because nothing was left in them once the torn tail was cut off.
    public var emptyFilesRemoved = 0
    /// Torn last lines cut off (at most one per file) and kept under `_torn/`.
    public var tornLines = 0
    /// Their bytes.
    public var tornBytes: Int64 = 0
    /// Files left as `.tmp` (so never read) because the disk was too full to set their torn
    /// tail aside; the next start repairs them.
    public var filesDeferred = 0

    public init() {}

    public var description: String {
      "recovered \(filesClosed) file(s) left open by an earlier run"
        + (emptyFilesRemoved > 0 ? ", removed \(emptyFilesRemoved) empty one(s)" : "")
        + "; \(tornLines) torn line(s), \(tornBytes) byte(s), kept under _torn/"
        + (filesDeferred > 0 ? "; \(filesDeferred) file(s) left as .tmp (unread) because the disk is full: they are repaired at the next start" : "")
    }
  }

  /// Closes every `<endpoint>/date=…/*.jsonl.tmp` under `data` (this process holds the data
  /// folder's lock, so no other run writes them).
  ///
  /// For each: the bytes after its last `\n` (a line torn by a kill) are copied to
  /// `<endpoint>/_torn/<date folder>-<file name>-<byte offset>.partial` and flushed, then cut off
  /// the file, which is flushed, renamed to `.jsonl` (or removed if nothing is left) and its
  /// folder flushed. Every step can be repeated after a crash half-way (the same offset gives the
  /// same `.partial` name). Names starting with `.` or `_` are not searched; files in folders not
  /// named `date=…` are left alone. Folders are read in name order.
  ///
  /// - Throws: `.storage` or `.diskFull` for a call that failed; files before it stay recovered.
  static func recover(data: String) throws(CollectorError) -> Recovery {
    var summary = Recovery()
    try recover(folder: data, into: &summary)
    return summary
  }

  private static func recover(folder: String, into summary: inout Recovery) throws(CollectorError) {
    let folderName = folder.split(separator: "/").last.map(String.init) ?? folder
    for name in try names(in: folder) where !name.hasPrefix(".") && !name.hasPrefix("_") {
      let path = folder + "/" + name
      var info = stat()
      guard lstat(path, &info) == 0 else { continue }
      if (info.st_mode & S_IFMT) == S_IFDIR {
        try recover(folder: path, into: &summary)
      } else if (info.st_mode & S_IFMT) == S_IFREG && name.hasSuffix(".jsonl.tmp")
        && folderName.hasPrefix("date=")
      {
        do {
          try recoverFile(folder: folder, dateFolder: folderName, name: name, into: &summary)
        } catch .diskFull {
          // The torn tail could not be set aside: the file stays `.tmp`, which reports skip, and
          // the server still starts (requests get a 503 while the disk is full, rather than a
          // refused connection). Nothing was cut off it yet.
          summary.filesDeferred += 1
        }
      }
    }
  }

  private static func recoverFile(
    folder: String, dateFolder: String, name: String, into summary: inout Recovery
  ) throws(CollectorError) {
    let path = folder + "/" + name
    let descriptor = open(path, O_RDWR | O_CLOEXEC)
    guard descriptor >= 0 else { throw .fileSystem(path, "open", errno) }
    defer { Glibc.close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw .fileSystem(path, "fstat", errno) }
    let size = Int64(info.st_size)
    let kept = try lengthOfWholeLines(descriptor, size: size, path: path)
    let closedName = String(name.dropLast(".tmp".count))
    if kept < size {
      let endpointFolder = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
      let tornFolder = endpointFolder + "/_torn"
      try makeFolders(tornFolder)
      let partial = tornFolder + "/" + dateFolder + "-" + closedName + "-\(kept).partial"
      try copyTail(descriptor, from: kept, to: size, into: partial, path: path)
      let code = syncFolder(tornFolder)
      if code != 0 { throw .fileSystem(tornFolder, "fsync", code) }
      guard ftruncate(descriptor, off_t(kept)) == 0 else {
        throw .fileSystem(path, "ftruncate", errno)
      }
      guard fsync(descriptor) == 0 else { throw .fileSystem(path, "fsync", errno) }
      summary.tornLines += 1
      summary.tornBytes += size - kept
    }
    if kept == 0 {
      guard unlink(path) == 0 else { throw .fileSystem(path, "unlink", errno) }
      summary.emptyFilesRemoved += 1
    } else {
      guard rename(path, folder + "/" + closedName) == 0 else {
        throw .fileSystem(path, "rename", errno)
      }
      summary.filesClosed += 1
    }
    let code = syncFolder(folder)
    if code != 0 { throw .fileSystem(folder, "fsync", code) }
  }

  /// The length of the file up to and including its last `\n` (0 if it has none), read
  /// backwards in 64 KiB blocks.
  private static func lengthOfWholeLines(_ descriptor: Int32, size: Int64, path: String)
    throws(CollectorError) -> Int64
  {
    var block = [UInt8](repeating: 0, count: 65536)
    var end = size
    while end > 0 {
      let start = max(0, end - Int64(block.count))
      let count = Int(end - start)
      let read = block.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress, count, off_t(start))
      }
      guard read == count else { throw .fileSystem(path, "read", read < 0 ? errno : EIO) }
      if let last = block[..<count].lastIndex(of: UInt8(ascii: "\n")) {
        return start + Int64(last) + 1
      }
      end = start
    }
    return 0
  }

  /// Copies bytes `from..<to` of the file to a new file `partial` (replacing one an interrupted
  /// recovery left) and flushes it.
  private static func copyTail(
    _ descriptor: Int32, from: Int64, to: Int64, into partial: String, path: String
  ) throws(CollectorError) {
    let output = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard output >= 0 else { throw .fileSystem(partial, "open", errno) }
    defer { Glibc.close(output) }
    var block = [UInt8](repeating: 0, count: 65536)
    var offset = from
    while offset < to {
      let count = Int(min(Int64(block.count), to - offset))
      let read = block.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress, count, off_t(offset))
      }
      guard read == count else { throw .fileSystem(path, "read", read < 0 ? errno : EIO) }
      var written = 0
      while written < count {
        let result = block.withUnsafeBytes { all in
          let rest = UnsafeRawBufferPointer(rebasing: all[written..<count])
          return write(output, rest.baseAddress, rest.count)
        }
        if result < 0 && errno == EINTR { continue }
        guard result > 0 else { throw .fileSystem(partial, "write", result < 0 ? errno : EIO) }
        written += result
      }
      offset += Int64(count)
    }
    guard fsync(output) == 0 else { throw .fileSystem(partial, "fsync", errno) }
  }

  /// The names in `folder`, sorted bytewise, without `.` and `..`.
  private static func names(in folder: String) throws(CollectorError) -> [String] {
    guard let handle = opendir(folder) else { throw .fileSystem(folder, "opendir", errno) }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
  }
}
