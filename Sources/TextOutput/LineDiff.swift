/// A readable line diff between an expected and an actual text, for snapshot checks.
///
/// Uses the standard library's `CollectionDifference` (Myers' algorithm), so the output is
/// deterministic. Lines are shown as `-N: text` (expected, line N) and `+N: text` (actual).
public enum LineDiff {
  /// The diff of `expected` and `actual`, or nil when they are identical; at most `limit` lines.
  public static func diff(expected: String, actual: String, limit: Int = 40) -> String? {
    if expected == actual { return nil }
    let old = lines(expected)
    let new = lines(actual)
    let difference = new.difference(from: old)
    var entries: [(position: Int, order: Int, text: String)] = []
    for change in difference {
      switch change {
      case .remove(let offset, let element, _):
        entries.append((offset, 0, "-\(offset + 1): \(element)"))
      case .insert(let offset, let element, _):
        entries.append((offset, 1, "+\(offset + 1): \(element)"))
      }
    }
    entries.sort { ($0.position, $0.order) < ($1.position, $1.order) }
    var output = entries.prefix(limit).map(\.text)
    if entries.count > limit { output.append("… \(entries.count - limit) more changed lines") }
    if entries.isEmpty { output.append("(the texts differ only in line endings or a final newline)") }
    return output.joined(separator: "\n")
  }

  private static func lines(_ text: String) -> [Substring] {
    text.split(separator: "\n", omittingEmptySubsequences: false)
  }
}
