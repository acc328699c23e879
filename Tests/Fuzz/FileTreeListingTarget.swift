#if canImport(Glibc)
  import Glibc
#endif
@testable import Ingest

/// The folder listing (`FileTree`, folders of one depth on several threads) against a plain
/// depth-first walk of the same rules on one thread (the walk the parallel one replaced): a tree
/// built on disk from the input (names from a small alphabet, so names collide, sort close and
/// form `key=value` partitions; empty files, writers' markers, links back up the tree, dangling
/// links), listed with 1 and 3 threads, as a folder and as a `**` pattern.
enum FileTreeListingTarget {
  nonisolated(unsafe) static var runs = 0

  static func listing(_ bytes: [UInt8]) {
    runs += 1
    let root = "/tmp/holdout-fuzz-tree-\(getpid())-\(runs)"
    defer { remove(root) }
    mkdir(root, 0o755)
    build(bytes.prefix(96), in: root)
    for path in [root, root + "/**/*"] {
      let reference = Result { () throws(IngestError) in try referenceListing(path) }
      for threads in [1, 3] {
        let listed = Result { () throws(IngestError) in try FileTree(path, threads: threads) }
        switch (reference, listed) {
        case (.success(let want), .success(let got)):
          FuzzTargets.check(
            got.files.map(\.relative) == want.files && got.files.map(\.size) == want.sizes,
            "\(path), \(threads) threads: files \(got.files.map(\.relative)) against \(want.files)")
          FuzzTargets.check(
            got.files.map(\.partitions) == want.files.map { FileTree.partitions($0) },
            "\(path): partitions differ")
          FuzzTargets.check(got.skipped == want.skipped, "\(path), \(threads) threads: skipped \(got.skipped) against \(want.skipped)")
        case (.failure(let want), .failure(let got)):
          FuzzTargets.check("\(got)" == "\(want)", "\(path), \(threads) threads: error \(got) against \(want)")
        default:
          FuzzTargets.check(false, "\(path), \(threads) threads: \(listed) against \(reference)")
        }
      }
    }
  }

  /// Two bytes an entry: what (folder, file, empty file, link up, dangling link, up a level) and
  /// a name of 1–2 characters from `a b = . _ ~ B`.
  static func build(_ bytes: ArraySlice<UInt8>, in root: String) {
    let alphabet: [Character] = ["a", "b", "=", ".", "_", "~", "B"]
    var folders = [root]
    var i = bytes.startIndex
    while i + 1 < bytes.endIndex {
      let op = bytes[i] % 8, n = bytes[i + 1]
      i += 2
      var name = String(alphabet[Int(n % 7)])
      if n >= 128 { name.append(alphabet[Int((n / 7) % 7)]) }
      guard name != "." && name != ".." else { continue }
      let here = folders.last!
      let path = here + "/" + name
      switch op {
      case 0, 1:
        if mkdir(path, 0o755) == 0 && folders.count < 5 { folders.append(path) }
      case 2, 3, 4:
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if fd >= 0 {
          let size = Int(n % 5)
          _ = [UInt8](repeating: 0x78, count: size).withUnsafeBytes { write(fd, $0.baseAddress, size) }
          close(fd)
        }
      case 5: symlink(folders[Int(n) % folders.count], path)
      case 6: symlink(root + "/missing-\(n)", path)
      default: if folders.count > 1 { folders.removeLast() }
      }
    }
  }

  struct Reference {
    var files: [String] = []
    var sizes: [Int] = []
    var skipped: [FileTree.Skipped] = []
  }

  /// The depth-first walk: a folder's names sorted bytewise, each statted (links followed),
  /// markers, empty files, non-regular names and loops skipped and counted.
  static func referenceListing(_ path: String) throws(IngestError) -> Reference {
    let (rootPath, pattern) = FileTree.splitPattern(path)
    var info = stat()
    guard stat(rootPath, &info) == 0 else { throw .fileNotFound(path: rootPath) }
    var out = Reference()
    var onPath: [(UInt64, UInt64)] = []
    func descend(_ folder: String, _ components: [[UInt8]], _ prefix: String, _ st: stat) throws(IngestError) {
      onPath.append((UInt64(st.st_dev), UInt64(st.st_ino)))
      defer { onPath.removeLast() }
      for (name, status) in try entries(folder) {
        let child = components + [Array(name.utf8)]
        let relative = prefix + name
        if let reason = FileTree.skipReason(name: name) {
          out.skipped.append(.init(relative: relative, reason: reason))
          continue
        }
        guard let s = status else {
          out.skipped.append(.init(relative: relative, reason: .notRegular))
          continue
        }
        switch s.st_mode & S_IFMT {
        case S_IFDIR:
          if onPath.contains(where: { $0.0 == UInt64(s.st_dev) && $0.1 == UInt64(s.st_ino) }) {
            out.skipped.append(.init(relative: relative, reason: .symlinkLoop))
            continue
          }
          if let pattern, !pattern.mayMatchUnder(child) { continue }
          try descend(folder + "/" + name, child, relative + "/", s)
        case S_IFREG:
          if let pattern, !pattern.matches(child) { continue }
          if s.st_size == 0 {
            out.skipped.append(.init(relative: relative, reason: .empty))
            continue
          }
          out.files.append(relative)
          out.sizes.append(Int(s.st_size))
        default:
          if let pattern, !pattern.matches(child) { continue }
          out.skipped.append(.init(relative: relative, reason: .notRegular))
        }
      }
    }
    try descend(rootPath, [], "", info)
    if out.files.isEmpty {
      throw .noFiles(
        path: path,
        reason: (pattern == nil ? "the folder holds no data file" : "the pattern matches no data file") + FileTree.skippedNote(out.skipped))
    }
    return out
  }

  /// A folder's names (not `.` and `..`) sorted bytewise, each `stat`ed by its path.
  static func entries(_ folder: String) throws(IngestError) -> [(String, stat?)] {
    guard let dir = opendir(folder) else { throw .reading(folder, errno: errno) }
    var names: [[UInt8]] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
      if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
    }
    closedir(dir)
    return names.sorted { $0.lexicographicallyPrecedes($1) }.map { bytes in
      let name = String(decoding: bytes, as: UTF8.self)
      var st = stat()
      return (name, stat(folder + "/" + name, &st) == 0 ? st : nil)
    }
  }

  /// Removes `path` and everything under it, links not followed.
  static func remove(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR, let dir = opendir(path) {
      var names: [String] = []
      while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
      }
      closedir(dir)
      for name in names { remove(path + "/" + name) }
      rmdir(path)
    } else {
      unlink(path)
    }
  }
}
