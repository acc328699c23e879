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
/// **Parallel, same order.** Folders of one depth are listed on up to `threads` threads (a tree of
/// 8,760 hourly folders is mostly system calls: one `opendir`, `readdir`, `fstatat` per name);
/// the files are then put in the order above, so the listing never depends on the thread count.
///
/// **Bounded.** One folder is open per thread at a time (its names are read, then it is closed);
/// the listing holds each file's relative path and size, nothing else.
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
  /// The root folder held open, for opening its files by their relative paths (nil for a single
  /// file or a zip archive named directly).
  public let folder: OpenFolder?
  /// The files, in order.
  public private(set) var files: [File]
  /// The names skipped, in order.
  public let skipped: [Skipped]

  /// Lists `path`: `-` and a plain file give themselves; a folder gives its files recursively; a
  /// path with a glob character gives the files its pattern matches under the pattern's literal
  /// prefix. Throws when the path does not exist, a folder cannot be read, a pattern matches no
  /// file, or a folder holds no data file.
  public init(_ path: String, threads: Int = 1) throws(IngestError) {
    self.path = path
    var info = stat()
    if path == "-" || (!PathPattern.isPattern(path) && stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR) {
      root = ""
      folder = nil
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
    let open = OpenFolder(rootPath.isEmpty ? "." : rootPath)
    folder = open
    let walk = Walk(pattern: pattern, rootName: rootPath.isEmpty || rootPath == "." ? "." : Self.lastComponent(rootPath))
    (files, skipped) = try walk.list(folder: rootPath.isEmpty ? "." : rootPath, info: info, threads: threads)
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
    path.split(separator: "/").dropLast().compactMap { partition(folderName: $0) }
  }

  /// The partition a folder named `name` gives (`date=2026-10-01-09`: key `date`, value
  /// `%XX`-decoded), nil for a name without a key or a value.
  static func partition(folderName name: some StringProtocol) -> Partition? {
    guard let eq = name.firstIndex(of: "="), eq != name.startIndex else { return nil }
    let raw = name[name.index(after: eq)...]
    return raw.isEmpty ? nil : Partition(key: String(name[..<eq]), value: percentDecoded(raw))
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
}
