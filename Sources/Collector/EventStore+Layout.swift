import Ingest

#if canImport(Glibc)
  import Glibc
#endif

extension EventStore {
  static let microsecondsPerHour: Int64 = 3600 * Timestamp.microsecondsPerSecond

  /// The hour (since 1970-01-01T00Z) that `micros` falls in, rounding down before 1970 too.
  static func hour(of micros: Int64) -> Int64 {
    let (quotient, remainder) = micros.quotientAndRemainder(dividingBy: microsecondsPerHour)
    return remainder < 0 ? quotient - 1 : quotient
  }

  /// The hour's folder: `date=2026-10-03-14` (UTC).
  static func hourFolderName(_ hour: Int64) -> String {
    let (quotient, remainder) = hour.quotientAndRemainder(dividingBy: 24)
    let days = remainder < 0 ? quotient - 1 : quotient
    let (year, month, day) = Timestamp.civil(days: days)
    return
      "date=\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))-\(padded(hour - days * 24, 2))"
  }

  /// The run's name: `part-<start in µs, 16 digits>-<pid>`, unique per process and sorting by
  /// start time (16 digits last until the year 2286).
  static func runName(startedAt micros: Int64, pid: Int32) -> String {
    "part-\(padded(micros, 16))-\(pid)"
  }

  /// Refuses an endpoint that is not a relative folder path of `[a-z0-9_-]` names. A name may not
  /// be empty or start with `_` (the report skips such folders, and `_torn` is the store's).
  static func validate(endpoint: String) throws(CollectorError) {
    var segmentStart = true
    var valid = !endpoint.isEmpty
    for byte in endpoint.utf8 where valid {
      switch byte {
      case UInt8(ascii: "/"):
        valid = !segmentStart
        segmentStart = true
      case UInt8(ascii: "_"):
        valid = !segmentStart
        segmentStart = false
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"):
        segmentStart = false
      default:
        valid = false
      }
    }
    guard valid && !segmentStart else {
      throw .configuration(
        "endpoint folder \"\(endpoint)\": use names of a-z, 0-9, _ and - separated by /, none empty or starting with _"
      )
    }
  }

  /// Creates `path` and its missing parents, like `mkdir -p`, flushing each parent folder that
  /// got a new entry so the new folders survive a crash.
  static func makeFolders(_ path: String) throws(CollectorError) {
    var current = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      let parent = current.isEmpty ? "." : current
      current += (current.isEmpty || current == "/" ? "" : "/") + component
      if mkdir(current, 0o755) == 0 {
        let code = syncFolder(parent)
        if code != 0 { throw .fileSystem(parent, "fsync", code) }
        continue
      }
      let code = errno
      var info = stat()
      guard code == EEXIST else { throw .fileSystem(current, "mkdir", code) }
      if stat(current, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
        throw .fileSystem(current, "mkdir", ENOTDIR)
      }
    }
  }

  /// Flushes a folder's entries (`fsync` on the folder); returns 0 or the `errno`.
  static func syncFolder(_ path: String) -> Int32 {
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return errno }
    defer { Glibc.close(descriptor) }
    return fsync(descriptor) == 0 ? 0 : errno
  }

  /// Creates the next file of this run for `key`: `<run>.jsonl.tmp`, or `<run>_0002.jsonl.tmp`
  /// and on when this run already has a file (open or closed) in that hour. The folders and the
  /// file's entry are flushed before it is used.
  func createFile(_ key: HourKey) -> Result<HourFile, CollectorError> {
    let folder = data + "/" + key.endpoint + "/" + EventStore.hourFolderName(key.hour)
    do {
      try EventStore.makeFolders(folder)
    } catch {
      return .failure(error)
    }
    for sequence in 1...9999 {
      let stem = sequence == 1 ? run : run + "_" + EventStore.padded(Int64(sequence), 4)
      var info = stat()
      if stat(folder + "/" + stem + ".jsonl", &info) == 0 { continue }
      let path = folder + "/" + stem + ".jsonl.tmp"
      let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if descriptor < 0 {
        if errno == EEXIST { continue }
        return .failure(.fileSystem(path, "open", errno))
      }
      // The name was free because a file of that name was just closed (renamed) by
      // `closeFinishedHours`: closing this one would replace it, so take the next name.
      if stat(folder + "/" + stem + ".jsonl", &info) == 0 {
        Glibc.close(descriptor)
        unlink(path)
        continue
      }
      let code = EventStore.syncFolder(folder)
      guard code == 0 else {
        Glibc.close(descriptor)
        unlink(path)
        return .failure(.fileSystem(folder, "fsync", code))
      }
      return .success(
        HourFile(
          folder: folder, stem: stem, descriptor: descriptor, options: options,
          counters: counterState))
    }
    return .failure(.fileSystem(folder + "/" + run + "_9999.jsonl.tmp", "open", EEXIST))
  }

  /// `value` in decimal, zero-padded to `width` digits.
  static func padded(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width
      ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}
