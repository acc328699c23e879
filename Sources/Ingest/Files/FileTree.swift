#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Compression

/// The files a source's `path` names: one file, every file under a folder (recursively), or the
/// files a glob matches (`PathPattern`), in one documented, deterministic order.
///
/// **Order.** Folders are read whole and their names sorted bytewise before descending, so files
/// come in the order of their relative paths compared component by component, bytewise (the C
/// locale): `date=2026-10-01-09/…` before `date=2026-10-01-10/…`, and a folder's files in name
/// order. The order never depends on the file system's directory order or the locale.
///
/// **Skipped, and counted.** Inside a folder or a pattern, names a writer leaves while it works or
/// beside the data are not data: a file or folder whose name starts with `.` or `_` (Hadoop's and
/// Spark's convention: `_SUCCESS`, `_temporary/`, `_committed_*`, `_started_*`, `.crc` sidecars,
/// `.DS_Store`, editors' swap files), names ending in `.tmp`, `.temp`, `.part`, `.partial`,
/// `.crdownload`, `.download`, `.gstmp` (gsutil's partial download), `~`, or `_$folder$` (the S3
/// console's folder markers), and empty files. A symbolic link is followed; a link back to a
/// folder already on the way down (a loop) is skipped. Each skipped name is counted by reason
/// (`skipped`). A file named directly is never skipped.
///
/// **Bounded.** One folder is open at a time (its names are read, then it is closed before
/// descending); the listing holds each file's relative path and size, nothing else.
public struct FileTree: Sendable {
  /// One file to read.
  public struct File: Sendable, Equatable {
    /// The path to open.
    public var path: String
    /// The path relative to the source's folder (the name in messages and reports); the file's
    /// own name for a single file.
    public var relative: String
    /// The size in bytes when listed.
    public var size: Int
    /// The `key=value` folder names on the way to it, outermost first (Hive-style partitions).
    public var partitions: [Partition]
    /// For a member of a zip archive: the archive and the member (`path` is the archive's).
    public var zip: ZipMember? = nil
    /// The file's name in reports and messages: its path inside the source's folder, after the
    /// folder's own name (`currents/event_type=…/x.avro`), with `archive.zip:member` for a
    /// member of an archive; the file's name for a single file.
    public var display: String = ""

    /// The path that names the file in errors: the path, or `archive.zip:member` for a member.
    public var readablePath: String { zip.map { path + ":" + $0.member.name } ?? path }
  }

  /// A member of a zip archive: the archive (opened once, its central directory read, shared by
  /// its members) and the member. Member names are data: they name the member in messages and
  /// give its partitions, and are never used as a path.
  public struct ZipMember: Sendable, Equatable {
    public let archive: ZipArchive
    public let member: ZipArchive.Member

    public static func == (a: ZipMember, b: ZipMember) -> Bool { a.archive === b.archive && a.member == b.member }
  }

  /// One Hive-style `key=value` folder name. The value is `%XX`-decoded as Hive writes it.
  public struct Partition: Sendable, Equatable {
    public var key: String
    public var value: String
  }

  /// Why a name under the folder was not read.
  public enum SkipReason: String, Sendable, Equatable, CaseIterable {
    case hidden = "hidden or writer's marker (. or _ prefix)"
    case temporary = "temporary or partial download"
    case empty = "empty file"
    case symlinkLoop = "symbolic link loop"
    case notRegular = "not a regular file"
  }

  /// A name not read, and why.
  public struct Skipped: Sendable, Equatable {
    public var relative: String
    public var reason: SkipReason
  }

  /// The path as given.
  public let path: String
  /// The folder the relative paths start from (the path itself, or a pattern's literal prefix).
  public let root: String
  /// True when the path named more than one file: a folder or a pattern.
  public let isTree: Bool
  /// The files, in order.
  public private(set) var files: [File]
  /// The names skipped, in order.
  public let skipped: [Skipped]

  /// Lists `path`: `-` and a plain file give themselves; a folder gives its files recursively; a
  /// path with a glob character gives the files its pattern matches under the pattern's literal
  /// prefix. Throws when the path does not exist, a folder cannot be read, a pattern matches no
  /// file, or a folder holds no data file.
  public init(_ path: String) throws(IngestError) {
    self.path = path
    var info = stat()
    if path == "-" || (!PathPattern.isPattern(path) && stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR) {
      root = ""
      let size = path == "-" ? 0 : Int(info.st_size)
      let name = Self.lastComponent(path)
      // Only a regular file is sniffed: opening a FIFO (or a device) to look and closing it
      // again would break the writer on the other end, and the bytes could not be read twice.
      if path != "-" && (info.st_mode & S_IFMT) == S_IFREG && Self.isZip(path) {
        // An archive named directly is a folder of its members.
        isTree = true
        var members: [File] = [], skippedMembers: [Skipped] = []
        try Self.expandZip(path, relative: "", display: name, into: &members, skipped: &skippedMembers)
        files = members
        skipped = skippedMembers
        if files.isEmpty {
          throw .noFiles(path: path, reason: "the zip archive holds no data file" + Self.skippedNote(skipped))
        }
        return
      }
      isTree = false
      var file = File(path: path, relative: name, size: size, partitions: Self.partitions(path))
      file.display = name
      files = [file]
      skipped = []
      return
    }
    let (rootPath, pattern) = Self.splitPattern(path)
    guard stat(rootPath.isEmpty ? "." : rootPath, &info) == 0 else {
      if errno == ENOENT { throw .fileNotFound(path: rootPath.isEmpty ? path : rootPath) }
      throw .reading(rootPath, errno: errno)
    }
    guard (info.st_mode & S_IFMT) == S_IFDIR else {
      throw .noFiles(path: path, reason: "\(rootPath) is not a folder, so the pattern after it matches nothing")
    }
    root = rootPath
    isTree = true
    var walk = Walk(pattern: pattern, rootName: rootPath.isEmpty || rootPath == "." ? "." : Self.lastComponent(rootPath))
    try walk.descend(folder: rootPath.isEmpty ? "." : rootPath, components: [], info: info)
    files = walk.files
    skipped = walk.skipped
    if files.isEmpty {
      let what = pattern == nil ? "the folder holds no data file" : "the pattern matches no data file"
      throw .noFiles(path: path, reason: what + Self.skippedNote(skipped))
    }
  }

  static func skippedNote(_ skipped: [Skipped]) -> String {
    skipped.isEmpty ? "" : " (\(skipped.count) name(s) skipped as not data, e.g. \(skipped[0].relative): \(skipped[0].reason.rawValue))"
  }

  /// True when the file starts with a zip archive's local header or empty-archive signature.
  static func isZip(_ path: String) -> Bool {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var head = [UInt8](repeating: 0, count: 4)
    let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, 0) }
    return n == 4 && ContainerMagic.of(head) == .zip
  }

  /// Lists the members of the archive at `path` as files: in name order compared component by
  /// component, bytewise (like a folder), directory entries left out, writers' markers and
  /// empty members skipped and counted; a member's `key=value` folders are its partitions.
  static func expandZip(
    _ path: String, relative: String, display: String, into files: inout [File], skipped: inout [Skipped]
  ) throws(IngestError) {
    let archive: ZipArchive
    do throws(CompressionError) {
      archive = try ZipArchive(path: path)
    } catch {
      throw .undecodable(path: path, reason: "is a zip archive that cannot be read: \(error.description)")
    }
    let prefix = relative.isEmpty ? "" : relative + ":"
    let members = archive.members.filter { !$0.isDirectory }.sorted {
      $0.rawName.split(separator: 0x2F, omittingEmptySubsequences: false)
        .lexicographicallyPrecedes($1.rawName.split(separator: 0x2F, omittingEmptySubsequences: false)) {
          $0.lexicographicallyPrecedes($1)
        }
    }
    for member in members {
      let name = member.name
      // `.` and `..` are path syntax in a name, not hidden names (and never followed: names are data).
      let components = name.split(separator: "/").filter { $0 != "." && $0 != ".." }
      if let reason = components.lazy.compactMap({ Self.skipReason(name: $0) }).first {
        skipped.append(Skipped(relative: prefix + name, reason: reason))
        continue
      }
      if member.uncompressedSize == 0 {
        skipped.append(Skipped(relative: prefix + name, reason: .empty))
        continue
      }
      var file = File(
        path: path, relative: prefix + name, size: member.compressedSize,
        partitions: Self.partitions(relative) + Self.partitions(name))
      file.zip = ZipMember(archive: archive, member: member)
      file.display = display + ":" + name
      files.append(file)
    }
  }

  /// The source's name in reports, independent of where the files live: the root folder's last
  /// component, then `/` and the pattern for a pattern (`currents/`, `export/**/*.json.gz`); the
  /// file's name for a single file.
  public var displayName: String {
    guard isTree else { return files.first?.relative ?? path }
    if root.isEmpty { return Self.lastComponent(path) }  // a zip archive named directly
    let rootName = root.isEmpty || root == "." ? "." : Self.lastComponent(root)
    let (_, pattern) = Self.splitPattern(path)
    guard let pattern else { return rootName + "/" }
    return rootName + "/" + pattern.components.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
  }

  /// Keeps only `files` (a subset of the listing, in order): the others were pruned by a reader
  /// that knows they hold nothing it needs.
  public mutating func keep(_ files: [File]) {
    self.files = files
  }

  /// The counts of skipped names by reason, in `SkipReason` order, without zeros.
  public var skippedByReason: [(reason: SkipReason, count: Int)] {
    SkipReason.allCases.compactMap { reason in
      let n = skipped.reduce(0) { $0 + ($1.reason == reason ? 1 : 0) }
      return n > 0 ? (reason, n) : nil
    }
  }

  /// Splits a path into its literal folder prefix and the pattern after it (nil: no pattern).
  static func splitPattern(_ path: String) -> (root: String, pattern: PathPattern?) {
    guard PathPattern.isPattern(path) else {
      var root = path
      while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
      return (root, nil)
    }
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    let firstPattern = parts.firstIndex { PathPattern.isPattern($0) } ?? parts.count
    var root = parts[..<firstPattern].joined(separator: "/")
    if root.isEmpty && path.hasPrefix("/") { root = "/" }
    let rest = parts[firstPattern...].joined(separator: "/")
    return (root, PathPattern(rest))
  }

  /// Whether a name under a folder is a writer's marker or partial file, not data.
  public static func skipReason(name: some StringProtocol) -> SkipReason? {
    if name.hasPrefix(".") || name.hasPrefix("_") { return .hidden }
    for suffix in [".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".gstmp", "~", "_$folder$"]
    where name.hasSuffix(suffix) {
      return .temporary
    }
    return nil
  }

  /// The `key=value` folder names of `path` (not its last component), values `%XX`-decoded.
  public static func partitions(_ path: some StringProtocol) -> [Partition] {
    let parts = path.split(separator: "/")
    return parts.dropLast().compactMap { part in
      guard let eq = part.firstIndex(of: "="), eq != part.startIndex else { return nil }
      let key = String(part[..<eq])
      let raw = part[part.index(after: eq)...]
      return raw.isEmpty ? nil : Partition(key: key, value: percentDecoded(raw))
    }
  }

  static func percentDecoded(_ text: some StringProtocol) -> String {
    guard text.contains("%") else { return String(text) }
    var bytes: [UInt8] = []
    let utf8 = Array(text.utf8)
    var i = 0
    func hex(_ b: UInt8) -> UInt8? {
      switch b {
      case 0x30...0x39: return b - 0x30
      case 0x41...0x46: return b - 0x41 + 10
      case 0x61...0x66: return b - 0x61 + 10
      default: return nil
      }
    }
    while i < utf8.count {
      if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count, let h = hex(utf8[i + 1]), let l = hex(utf8[i + 2]) {
        bytes.append(h << 4 | l)
        i += 3
      } else {
        bytes.append(utf8[i])
        i += 1
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public static func lastComponent(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// The recursive walk: depth first, names sorted bytewise, folders on the way down remembered
  /// by device and inode (loops).
  private struct Walk {
    let pattern: PathPattern?
    let rootName: String
    var files: [File] = []
    var skipped: [Skipped] = []
    var onPath: [(dev: UInt64, ino: UInt64)] = []

    init(pattern: PathPattern?, rootName: String) {
      self.pattern = pattern
      self.rootName = rootName
    }

    /// Lists `folder`, whose path inside the root is `components` (`prefix` joined, ending in
    /// `/`, and its `key=value` names `partitions`), files before descending, one folder open.
    mutating func descend(
      folder: String, components: [[UInt8]], prefix: String = "", partitions: [Partition] = [], info: stat
    ) throws(IngestError) {
      onPath.append((UInt64(info.st_dev), UInt64(info.st_ino)))
      defer { onPath.removeLast() }
      for (name, status) in try Self.entries(in: folder) {
        // The components are needed only to match a pattern; the rest is built from the prefix.
        let child = pattern == nil ? [] : components + [Array(name.utf8)]
        let relative = prefix + name
        let full = folder == "." ? name : (folder.hasSuffix("/") ? folder + name : folder + "/" + name)
        if let reason = FileTree.skipReason(name: name) {
          skipped.append(Skipped(relative: relative, reason: reason))
          continue
        }
        guard let st = status else {
          // A dangling link, or a name removed while listing.
          skipped.append(Skipped(relative: relative, reason: .notRegular))
          continue
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
          if onPath.contains(where: { $0.dev == UInt64(st.st_dev) && $0.ino == UInt64(st.st_ino) }) {
            skipped.append(Skipped(relative: relative, reason: .symlinkLoop))
            continue
          }
          if let pattern, !pattern.mayMatchUnder(child) { continue }
          var inner = partitions
          inner += FileTree.partitions(name + "/x")
          try descend(folder: full, components: child, prefix: relative + "/", partitions: inner, info: st)
        case S_IFREG:
          if let pattern, !pattern.matches(child) { continue }
          if st.st_size == 0 {
            skipped.append(Skipped(relative: relative, reason: .empty))
            continue
          }
          if name.lowercased().hasSuffix(".zip") && FileTree.isZip(full) {
            // An archive inside the folder is a folder of its members.
            try FileTree.expandZip(full, relative: relative, display: rootName + "/" + relative, into: &files, skipped: &skipped)
            continue
          }
          var file = File(path: full, relative: relative, size: Int(st.st_size), partitions: partitions)
          file.display = rootName + "/" + relative
          files.append(file)
        default:
          if let pattern, !pattern.matches(child) { continue }
          skipped.append(Skipped(relative: relative, reason: .notRegular))
        }
      }
    }

    /// The names in a folder (not `.` and `..`), sorted bytewise, each with its status
    /// (`fstatat` relative to the open folder, following links; nil when it cannot be had); the
    /// folder is closed on return, so one folder is open at a time.
    static func entries(in folder: String) throws(IngestError) -> [(String, stat?)] {
      guard let dir = opendir(folder) else { throw .reading(folder, errno: errno) }
      defer { closedir(dir) }
      var names: [[UInt8]] = []
      while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          Array(raw.prefix { $0 != 0 })
        }
        if name == [0x2E] || name == [0x2E, 0x2E] { continue }
        names.append(name)
      }
      names.sort { $0.lexicographicallyPrecedes($1) }
      let fd = dirfd(dir)
      return names.map { bytes in
        let name = String(decoding: bytes, as: UTF8.self)
        var st = stat()
        let ok = bytes.withUnsafeBufferPointer { raw -> Bool in
          var cName = Array(raw) + [0]
          return cName.withUnsafeMutableBufferPointer { fstatat(fd, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &st, 0) == 0 }
        }
        return (name, ok ? st : nil)
      }
    }
  }
}
