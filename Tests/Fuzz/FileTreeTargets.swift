@testable import Ingest

/// Fuzz targets of the folder and pattern sources.
enum FileTreeTargets {
  static let all: [(name: String, run: ([UInt8]) -> Void)] = [
    ("path-pattern", pathPattern), ("file-tree-listing", FileTreeListingTarget.listing),
  ]

  /// `PathPattern.matchName` (iterative, one backtrack point) against a plain recursive reading
  /// of the same glob rules, on a pattern and a name cut from the input at its first 0 byte (at
  /// most 24 bytes each, so the reference's backtracking stays small).
  static func pathPattern(_ bytes: [UInt8]) {
    let cut = bytes.firstIndex(of: 0) ?? bytes.count
    let pattern = Array(bytes[..<cut].prefix(24))
    let name = Array(bytes[min(cut + 1, bytes.count)...].prefix(24))
    let fast = PathPattern.matchName(pattern[...], name[...])
    var memo: [Int: Bool] = [:]
    let slow = reference(pattern[...], name[...], &memo)
    FuzzTargets.check(fast == slow, "pattern \(pattern) name \(name): matchName \(fast), reference \(slow)")
  }

  /// The glob rules read directly: `*` any run, `?` one byte, `[…]` a class (`!`/`^` negates,
  /// `a-z` ranges, `]` first is literal, no closing `]` makes `[` literal), `\` escapes.
  /// Memoised by the two positions, so many stars stay polynomial.
  static func reference(_ p: ArraySlice<UInt8>, _ n: ArraySlice<UInt8>, _ memo: inout [Int: Bool]) -> Bool {
    let key = p.startIndex * 1024 + n.startIndex
    if let known = memo[key] { return known }
    let answer = referenceStep(p, n, &memo)
    memo[key] = answer
    return answer
  }

  static func referenceStep(_ p: ArraySlice<UInt8>, _ n: ArraySlice<UInt8>, _ memo: inout [Int: Bool]) -> Bool {
    guard let c = p.first else { return n.isEmpty }
    if c == UInt8(ascii: "*") {
      var rest = n
      while true {
        if reference(p.dropFirst(), rest, &memo) { return true }
        guard !rest.isEmpty else { return false }
        rest = rest.dropFirst()
      }
    }
    guard let b = n.first else { return false }
    if c == UInt8(ascii: "?") { return reference(p.dropFirst(), n.dropFirst(), &memo) }
    if c == UInt8(ascii: "["), let (matched, after) = classMatch(p, b) {
      return matched && reference(p[after...], n.dropFirst(), &memo)
    }
    if c == UInt8(ascii: "\\"), p.count >= 2 {
      return p[p.startIndex + 1] == b && reference(p.dropFirst(2), n.dropFirst(), &memo)
    }
    return c == b && reference(p.dropFirst(), n.dropFirst(), &memo)
  }

  static func classMatch(_ p: ArraySlice<UInt8>, _ b: UInt8) -> (Bool, Int)? {
    var i = p.startIndex + 1
    var negated = false
    if i < p.endIndex && (p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^")) {
      negated = true
      i += 1
    }
    var matched = false, first = true
    while i < p.endIndex {
      var c = p[i]
      if c == UInt8(ascii: "]") && !first { return (matched != negated, i + 1) }
      first = false
      if c == UInt8(ascii: "\\") && i + 1 < p.endIndex {
        i += 1
        c = p[i]
      }
      if i + 2 < p.endIndex && p[i + 1] == UInt8(ascii: "-") && p[i + 2] != UInt8(ascii: "]") {
        if c <= b && b <= p[i + 2] { matched = true }
        i += 3
      } else {
        if c == b { matched = true }
        i += 1
      }
    }
    return nil
  }
}
