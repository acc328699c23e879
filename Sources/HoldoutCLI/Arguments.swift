import Ingest

/// A small command-line parser: positional arguments, `--name value`, `--name=value` and flags,
/// checked against the command's documented options (`CommandHelp`).
///
/// An option the command does not have is refused at once, wherever it stands, with the nearest
/// known option suggested; a flag given a value and an option missing its value are refused too.
/// `-` alone is a positional argument (standard input); `--` ends the options. Help (`-h`,
/// `--help`) is answered before parsing, by `Holdout.main`.
struct Arguments {
  private(set) var positional: [String] = []
  private var options: [(name: String, value: String?)] = []
  private var consumed: [Bool] = []
  private let command: CommandHelp

  /// Parses `arguments` (without the program and command names) against `command`'s options.
  init(_ arguments: [String], command: CommandHelp) throws(CLIError) {
    self.command = command
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if argument == "--" {
        positional.append(contentsOf: arguments[index...])
        break
      }
      if argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.count > 1 {
        throw .usage(Self.unknown(argument, in: command, name: String(argument.dropFirst())))
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
      guard let option = command.option(name) else {
        throw .usage(Self.unknown("--" + name, in: command, name: name))
      }
      if option.value == nil {
        guard value == nil else { throw .usage("option --\(name) takes no value") }
      } else if value == nil {
        guard index < arguments.count else { throw .usage("option --\(name) needs a value (\(option.value!))") }
        value = arguments[index]
        index += 1
      }
      options.append((name, value))
      consumed.append(false)
    }
  }

  /// The message for an option `command` does not have: the nearest known option when it looks
  /// like a typo, else the list of the command's options.
  private static func unknown(_ argument: String, in command: CommandHelp, name: String) -> String {
    let shown = VisibleText.escaped(argument)
    if let near = command.suggestion(for: name) { return "unknown option \(shown); did you mean --\(near)?" }
    if command.options.isEmpty { return "unknown option \(shown); \(command.name) takes no options" }
    let names = command.options.map { "--" + $0.name }.joined(separator: ", ")
    return "unknown option \(shown); \(command.name)'s options are \(names)"
  }

  /// The value of `--name`, if given (the last one wins). `name` must be a value option the
  /// command declares in `CommandHelp` (a command reading an undeclared option is a bug: its help
  /// would not show it and the parser would refuse it).
  mutating func value(_ name: String) -> String? {
    precondition(command.option(name)?.value != nil, "\(command.name) reads --\(name), which CommandHelp does not declare as a value option")
    var result: String? = nil
    for (index, option) in options.enumerated() where option.name == name {
      result = option.value
      consumed[index] = true
    }
    return result
  }

  /// True when flag `--name` was given. `name` must be a flag the command declares.
  mutating func flag(_ name: String) -> Bool {
    precondition(command.option(name).map { $0.value == nil } == true, "\(command.name) reads --\(name), which CommandHelp does not declare as a flag")
    var found = false
    for (index, option) in options.enumerated() where option.name == name {
      found = true
      consumed[index] = true
    }
    return found
  }

  /// Fails on a known option that this form of the command does not read (for example
  /// `inspect --experiment E --format F`), naming the form.
  func rejectUnused(in form: String) throws(CLIError) {
    for (index, option) in options.enumerated() where !consumed[index] {
      throw .usage("option --\(option.name) does not apply to \(form)")
    }
  }
}
