/// One command's interface: its usage lines, what it does, its options and examples.
///
/// The same description drives both `holdout COMMAND --help` and the argument parser
/// (`Arguments`), so an option cannot be accepted without being documented, or documented
/// without being accepted.
struct CommandHelp: Sendable {
  /// One `--name [VALUE]` option.
  struct Option: Sendable {
    /// The name without the leading dashes.
    let name: String
    /// The value's placeholder (`N`, `DIR`), or nil for a flag that takes no value.
    let value: String?
    /// What it does, in one or a few sentences.
    let text: String

    /// A flag (no value).
    static func flag(_ name: String, _ text: String) -> Option { Option(name: name, value: nil, text: text) }
    /// An option taking a value.
    static func value(_ name: String, _ placeholder: String, _ text: String) -> Option {
      Option(name: name, value: placeholder, text: text)
    }
  }

  /// The command's name (`report`).
  let name: String
  /// Usage lines, without the leading `holdout `.
  let usage: [String]
  /// What the command does.
  let summary: String
  /// Its options, in the order shown.
  let options: [Option]
  /// Example command lines, each with a comment line before it.
  let examples: [(comment: String, command: String)]

  /// The option named `name`, if the command has one.
  func option(_ name: String) -> Option? { options.first { $0.name == name } }

  /// The help text printed by `holdout COMMAND --help`.
  var text: String {
    var out = "Usage:\n"
    for line in usage { out += "  holdout \(line)\n" }
    out += "\n" + Self.wrap(summary, indent: "") + "\n"
    if !options.isEmpty {
      out += "\nOptions:\n"
      for option in options {
        let head = "  --\(option.name)" + (option.value.map { " \($0)" } ?? "")
        out += head + "\n" + Self.wrap(option.text, indent: "      ") + "\n"
      }
    }
    out += "  -h, --help\n      Show this help.\n"
    if !examples.isEmpty {
      out += "\nExamples:\n"
      for example in examples { out += "  # \(example.comment)\n  \(example.command)\n" }
    }
    out += "\nExit codes: 0 ok, 1 check failed, 64 usage, 65 bad data or configuration, 66 missing input, 74 I/O error.\n"
    return out
  }

  /// The known option nearest to `name` when it is a likely typo: within two edits
  /// (case-insensitive Levenshtein distance, at most a third of the name's length rounded up),
  /// or the only option that starts with it.
  func suggestion(for name: String) -> String? {
    let lowered = name.lowercased()
    let prefixed = options.filter { $0.name.hasPrefix(lowered) }
    if prefixed.count == 1 { return prefixed[0].name }
    var best: (name: String, distance: Int)? = nil
    for option in options {
      let distance = Self.editDistance(Array(lowered.utf8), Array(option.name.utf8))
      if distance < (best?.distance ?? Int.max) { best = (option.name, distance) }
    }
    guard let best, best.distance <= min(2, (lowered.utf8.count + 2) / 3) else { return nil }
    return best.name
  }

  /// Levenshtein distance between two byte strings (insertions, deletions, substitutions).
  static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// `text` wrapped at 96 columns after `indent`, breaking at spaces only.
  static func wrap(_ text: String, indent: String) -> String {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if !line.isEmpty && indent.count + line.count + 1 + word.count > 96 {
        lines.append(indent + line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(indent + line) }
    return lines.joined(separator: "\n")
  }
}
