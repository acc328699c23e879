#if canImport(Glibc)
  import Glibc
#endif
import HTTPServer

/// `GET /reports/…`: the files of one reports folder, read-only (`--reports DIR`), so the weekly
/// report can be opened where the collector runs.
///
/// A path is percent-decoded once; a `.` or `..` segment, a backslash or a NUL is refused (404,
/// no hint of what exists). The file found is resolved with `realpath` and must lie inside the
/// folder's own real path, so a symlink cannot lead out of it; it is opened with `O_NOFOLLOW` and
/// must be a regular file of at most 64 MiB. A folder serves its `index.html`. Responses carry
/// the type by extension, `X-Content-Type-Options: nosniff`, and HTML a Content-Security-Policy
/// that allows no network access (the reports are self-contained: inline styles and data: images).
struct ReportFiles: Sendable {
  /// The folder's real path.
  let root: String

  init(folder: String) throws(CollectorError) {
    guard let resolved = realpath(folder, nil) else {
      throw .missingInput(path: folder, reason: "no such reports folder (--reports)")
    }
    root = String(cString: resolved)
    free(resolved)
    var info = stat()
    guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
      throw .missingInput(path: folder, reason: "--reports must be a folder")
    }
  }

  static let maxFileBytes = 64 << 20

  /// The response to `GET /reports<rest>`.
  func response(rest: String) -> HTTPResponse {
    let notFound = HTTPResponse.text(404, "no such report file")
    guard let decoded = Self.percentDecoded(rest) else { return notFound }
    let segments = decoded.split(separator: "/", omittingEmptySubsequences: true)
    guard segments.allSatisfy({ $0 != "." && $0 != ".." && !$0.contains("\\") && !$0.contains("\0") }) else { return notFound }
    var path = root + (segments.isEmpty ? "" : "/" + segments.joined(separator: "/"))
    var info = stat()
    if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { path += "/index.html" }
    guard let resolvedPointer = realpath(path, nil) else { return notFound }
    let resolved = String(cString: resolvedPointer)
    free(resolvedPointer)
    guard resolved.hasPrefix(root + "/") else { return notFound }
    let fd = open(resolved, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { return notFound }
    defer { close(fd) }
    guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return notFound }
    guard Int(info.st_size) <= Self.maxFileBytes else { return .text(403, "the file is larger than 64 MiB") }
    var body = [UInt8](repeating: 0, count: Int(info.st_size))
    var filled = 0
    while filled < body.count {
      let n = body.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else { break }
      filled += n
    }
    body.removeSubrange(filled...)
    let type = Self.contentType(of: resolved)
    var headers = [HTTPHeader(name: "Content-Type", value: type), HTTPHeader(name: "X-Content-Type-Options", value: "nosniff"),
      HTTPHeader(name: "Cache-Control", value: "no-cache")]
    if type.hasPrefix("text/html") {
      headers.append(HTTPHeader(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; img-src data:"))
    }
    return HTTPResponse(status: 200, headers: headers, body: body)
  }

  static func contentType(of path: String) -> String {
    let name = path.split(separator: "/").last.map(String.init) ?? ""
    let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last!).lowercased() : ""
    switch ext {
    case "html", "htm": return "text/html; charset=utf-8"
    case "json": return "application/json"
    case "md": return "text/markdown; charset=utf-8"
    case "csv": return "text/csv; charset=utf-8"
    case "txt", "log": return "text/plain; charset=utf-8"
    case "svg": return "image/svg+xml"
    case "png": return "image/png"
    case "css": return "text/css; charset=utf-8"
    default: return "application/octet-stream"
    }
  }

  /// `%XX` decoded; nil for a malformed escape or a result that is not UTF-8.
  static func percentDecoded(_ text: String) -> String? {
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "%") {
        guard i + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) else { return nil }
        out.append(value)
        i += 3
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return String(validating: out, as: UTF8.self)
  }
}
