#if canImport(Glibc)
  import Glibc
#endif

/// A fresh folder under the system's temporary folder (`$TMPDIR`, else `/tmp`) for one test,
/// with the few file helpers the store's tests need; `remove()` deletes it and everything in it.
struct TemporaryFolder {
  /// The folder's path.
  let path: String

  init(_ name: String = "holdout-collector") {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((base + "/" + name + "-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
    }
    guard let made else { preconditionFailure("mkdtemp failed under \(base)") }
    path = made
  }

  /// Deletes the folder and everything under it (symbolic links are removed, not followed).
  func remove() { TemporaryFolder.removeTree(path) }

  private static func removeTree(_ path: String) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      for name in names(in: path) { removeTree(path + "/" + name) }
      rmdir(path)
    } else {
      unlink(path)
    }
  }

  /// The names in the folder at `path`, sorted, without `.` and `..`; empty if it cannot be read.
  static func names(in path: String) -> [String] {
    guard let handle = opendir(path) else { return [] }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// The names in the folder `relative` to this one.
  func names(_ relative: String) -> [String] { TemporaryFolder.names(in: path + "/" + relative) }

  /// The bytes of the file `relative` to this folder as text, or nil when it cannot be read.
  func read(_ relative: String) -> String? {
    guard let file = fopen(path + "/" + relative, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = block.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      if count == 0 { break }
      bytes += block[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Writes `text` to the file `relative` to this folder, creating its folders.
  func write(_ relative: String, _ text: String) {
    var folder = path
    for component in relative.split(separator: "/").dropLast() {
      folder += "/" + component
      mkdir(folder, 0o755)
    }
    guard let file = fopen(path + "/" + relative, "wb") else {
      preconditionFailure("cannot create \(relative)")
    }
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
  }

  /// Whether a file or folder exists at `relative`.
  func exists(_ relative: String) -> Bool {
    var info = stat()
    return stat(path + "/" + relative, &info) == 0
  }
}
