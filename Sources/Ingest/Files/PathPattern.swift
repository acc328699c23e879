/// A glob over paths: `*` and `?` within one folder name, `**` for any number of folders,
/// character classes `[abc]`, `[a-z]`, `[!abc]` (or `[^abc]`), and `\` to take the next
/// character literally.
///
/// Matching is by path component (split at `/`) and by byte: `*` never crosses a `/`, and a class
/// matches one byte (names are compared as the file system stores them, so a multi-byte UTF-8
/// character is three `?`s, as in POSIX `fnmatch` under the C locale). A `**` component matches
/// zero or more whole components, so `events/**/*.json.gz` matches `events/a.json.gz` and
/// `events/2026/12/a.json.gz`.
public struct PathPattern: Sendable, Equatable {
  /// The pattern's components, as bytes.
  public let components: [[UInt8]]

  /// The pattern `text`, relative to the folder it is matched under.
  public init(_ text: String) {
    components = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
  }

  /// True when `text` contains a glob character (`*`, `?` or `[`), i.e. names more than itself.
  public static func isPattern(_ text: some StringProtocol) -> Bool {
    text.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
  }

  /// True when the relative path `components` matches the whole pattern.
  public func matches(_ path: [[UInt8]]) -> Bool {
    Self.match(components[...], path[...])
  }

  /// True when the folder `path` (components) can still lead to a match: used to skip folders
  /// that no file under them can match.
  public func mayMatchUnder(_ path: [[UInt8]]) -> Bool {
    Self.prefixMatch(components[...], path[...])
  }

  private static let doubleStar: [UInt8] = [UInt8(ascii: "*"), UInt8(ascii: "*")]

  private static func match(_ pattern: ArraySlice<[UInt8]>, _ path: ArraySlice<[UInt8]>) -> Bool {
    guard let head = pattern.first else { return path.isEmpty }
    if head == doubleStar {
      // Zero or more components.
      var rest = path
      while true {
        if match(pattern.dropFirst(), rest) { return true }
        guard !rest.isEmpty else { return false }
        rest = rest.dropFirst()
      }
    }
    guard let name = path.first, Self.matchName(head[...], name[...]) else { return false }
    return match(pattern.dropFirst(), path.dropFirst())
  }

  private static func prefixMatch(_ pattern: ArraySlice<[UInt8]>, _ path: ArraySlice<[UInt8]>) -> Bool {
    guard let name = path.first else { return true }
    guard let head = pattern.first else { return false }
    if head == doubleStar { return true }
    guard Self.matchName(head[...], name[...]) else { return false }
    return prefixMatch(pattern.dropFirst(), path.dropFirst())
  }

  /// Matches one name against one pattern component (iterative, with one backtrack point for the
  /// last `*`: linear in practice, never exponential).
  static func matchName(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
    var p = pattern.startIndex, n = name.startIndex
    var starP = -1, starN = -1
    while n < name.endIndex {
      if p < pattern.endIndex {
        let c = pattern[p]
        if c == UInt8(ascii: "*") {
          starP = p
          starN = n
          p += 1
          continue
        }
        if c == UInt8(ascii: "?") {
          p += 1
          n += 1
          continue
        }
        if c == UInt8(ascii: "["), let (matched, next) = matchClass(pattern, at: p, byte: name[n]) {
          if matched {
            p = next
            n += 1
            continue
          }
        } else {
          var literal = c
          var next = p + 1
          if c == UInt8(ascii: "\\") && p + 1 < pattern.endIndex {
            literal = pattern[p + 1]
            next = p + 2
          }
          if literal == name[n] {
            p = next
            n += 1
            continue
          }
        }
      }
      guard starP >= 0 else { return false }
      p = starP + 1
      starN += 1
      n = starN
    }
    while p < pattern.endIndex && pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.endIndex
  }

  /// Matches `byte` against the class starting at `start` (a `[`). Returns whether it matched and
  /// the index after the class, or nil when the `[` opens no class (no closing `]`): then it is a
  /// literal `[`.
  private static func matchClass(_ pattern: ArraySlice<UInt8>, at start: Int, byte: UInt8) -> (Bool, Int)? {
    var i = start + 1
    var negated = false
    if i < pattern.endIndex && (pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^")) {
      negated = true
      i += 1
    }
    var matched = false
    var first = true
    while i < pattern.endIndex {
      var c = pattern[i]
      if c == UInt8(ascii: "]") && !first { return (matched != negated, i + 1) }
      first = false
      if c == UInt8(ascii: "\\") && i + 1 < pattern.endIndex {
        i += 1
        c = pattern[i]
      }
      if i + 2 < pattern.endIndex && pattern[i + 1] == UInt8(ascii: "-") && pattern[i + 2] != UInt8(ascii: "]") {
        let high = pattern[i + 2]
        if c <= byte && byte <= high { matched = true }
        i += 3
      } else {
        if c == byte { matched = true }
        i += 1
      }
    }
    return nil
  }
}
