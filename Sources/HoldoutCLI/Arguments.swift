/// A small command-line parser: positional arguments, `--name value`, `--name=value` and flags.
struct Arguments {
  private(set) var positional: [String] = []
  private var options: [(name: String, value: String?)] = []
  private var consumed: [Bool] = []

  /// Parses `arguments` (without the program and command names). `flags` take no value.
  init(_ arguments: [String], flags: Set<String>) throws(CLIError) {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "--" {
        positional.append(contentsOf: arguments[index...])
        break
      }
      guard argument.hasPrefix("--"), argument.count > 2 else {
        positional.append(argument)
        continue
      }
      var name = String(argument.dropFirst(2))
      var value: String? = nil
      if let equals = name.firstIndex(of: "=") {
        value = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      if flags.contains(name) {
        guard value == nil else { throw .usage("option --\(name) takes no value") }
      } else if value == nil {
        guard index < arguments.count else { throw .usage("option --\(name) needs a value") }
        value = arguments[index]
        index += 1
      }
      options.append((name, value))
      consumed.append(false)
    }
  }

  /// The value of `--name`, if given (the last one wins).
  mutating func value(_ name: String) -> String? {
    var result: String? = nil
    for (index, option) in options.enumerated() where option.name == name {
      result = option.value
      consumed[index] = true
    }
    return result
  }

  /// True when flag `--name` was given.
  mutating func flag(_ name: String) -> Bool {
    var found = false
    for (index, option) in options.enumerated() where option.name == name {
      found = true
      consumed[index] = true
    }
    return found
  }

  /// Fails on any option that no command read.
  func rejectUnknown() throws(CLIError) {
    for (index, option) in options.enumerated() where !consumed[index] {
      throw .usage("unknown option --\(option.name)")
    }
  }
}
