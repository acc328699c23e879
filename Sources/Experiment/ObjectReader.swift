import Ingest

/// Reads one JSON object's members by key, remembering which were read so that unknown keys can
/// be reported, and producing errors that name the file, line and full key path.
struct ObjectReader {
  let path: String
  let keyPath: String
  let line: Int
  private let members: [JSONNode.Member]
  private var used: Set<String> = []
  /// The keys read so far (asked for, present or not).
  var usedKeys: Set<String> { used }

  init(_ node: JSONNode, path: String, keyPath: String) throws(ExperimentError) {
    self.path = path
    self.keyPath = keyPath
    line = node.line
    guard case .object(let members) = node.value else {
      throw .invalidExperiment(
        path: path, line: node.line, key: keyPath.isEmpty ? "(top level)" : keyPath,
        message: "expected an object, found \(node.typeName)")
    }
    self.members = members
  }

  func fullKey(_ key: String) -> String { keyPath.isEmpty ? key : keyPath + "." + key }

  func invalid(_ key: String, _ message: String) -> ExperimentError {
    let node = members.first { $0.key == key }?.node
    return .invalidExperiment(path: path, line: node?.line ?? line, key: fullKey(key), message: message)
  }

  func has(_ key: String) -> Bool { members.contains { $0.key == key } }

  /// The object's keys in file order (for maps such as `costs`).
  var keys: [String] { members.map(\.key) }

  mutating func optionalNode(_ key: String) throws(ExperimentError) -> JSONNode? {
    used.insert(key)
    guard let node = members.first(where: { $0.key == key })?.node else { return nil }
    if case .null = node.value { return nil }
    return node
  }

  mutating func node(_ key: String) throws(ExperimentError) -> JSONNode {
    guard let node = try optionalNode(key) else {
      throw .invalidExperiment(path: path, line: line, key: fullKey(key), message: "missing required key")
    }
    return node
  }

  mutating func string(_ key: String) throws(ExperimentError) -> String {
    let node = try node(key)
    guard case .string(let value) = node.value else { throw mismatch(key, node, "a string") }
    return value
  }

  /// A name (experiment key, arm, metric): a non-empty string of at most
  /// `ExperimentDefinition.maximumNameLength` UTF-8 bytes without control or bidi formatting
  /// characters (names become file names, table cells and terminal output).
  mutating func name(_ key: String) throws(ExperimentError) -> String {
    let value = try string(key)
    guard !value.isEmpty else { throw invalid(key, "must not be empty") }
    let limit = ExperimentDefinition.maximumNameLength
    guard value.utf8.count <= limit else {
      throw invalid(key, "is \(value.utf8.count) bytes long; names are limited to \(limit) bytes (they become file and directory names)")
    }
    if let bad = value.unicodeScalars.first(where: VisibleText.needsEscape) {
      throw invalid(key, "contains the control or bidi formatting character \(VisibleText.escaped(String(bad))); names must be printable")
    }
    return value
  }

  mutating func optionalString(_ key: String) throws(ExperimentError) -> String? {
    guard let node = try optionalNode(key) else { return nil }
    guard case .string(let value) = node.value else { throw mismatch(key, node, "a string") }
    return value
  }

  mutating func number(_ key: String) throws(ExperimentError) -> Double {
    let node = try node(key)
    guard case .number(let value) = node.value else { throw mismatch(key, node, "a number") }
    return value
  }

  mutating func optionalNumber(_ key: String) throws(ExperimentError) -> Double? {
    guard let node = try optionalNode(key) else { return nil }
    guard case .number(let value) = node.value else { throw mismatch(key, node, "a number") }
    return value
  }

  mutating func optionalBool(_ key: String) throws(ExperimentError) -> Bool? {
    guard let node = try optionalNode(key) else { return nil }
    guard case .bool(let value) = node.value else { throw mismatch(key, node, "true or false") }
    return value
  }

  mutating func array(_ key: String) throws(ExperimentError) -> [JSONNode] {
    let node = try node(key)
    guard case .array(let values) = node.value else { throw mismatch(key, node, "an array") }
    return values
  }

  mutating func optionalArray(_ key: String) throws(ExperimentError) -> [JSONNode]? {
    guard let node = try optionalNode(key) else { return nil }
    guard case .array(let values) = node.value else { throw mismatch(key, node, "an array") }
    return values
  }

  /// A list of strings; a single string is accepted as a one-element list.
  mutating func optionalStringList(_ key: String) throws(ExperimentError) -> [String]? {
    guard let node = try optionalNode(key) else { return nil }
    if case .string(let single) = node.value { return [single] }
    guard case .array(let values) = node.value else { throw mismatch(key, node, "a list of strings") }
    var result: [String] = []
    for value in values {
      guard case .string(let text) = value.value else { throw mismatch(key, value, "a list of strings") }
      guard !result.contains(text) else {
        throw .invalidExperiment(
          path: path, line: value.line, key: fullKey(key), message: "'\(text)' is listed twice")
      }
      result.append(text)
    }
    return result
  }

  func rejectUnknownKeys() throws(ExperimentError) {
    for member in members where !used.contains(member.key) {
      throw .invalidExperiment(
        path: path, line: member.node.line, key: fullKey(member.key),
        message: "unknown key; check its spelling against docs/experiment-file.md")
    }
  }

  private func mismatch(_ key: String, _ node: JSONNode, _ expected: String) -> ExperimentError {
    .invalidExperiment(
      path: path, line: node.line, key: fullKey(key),
      message: "expected \(expected), found \(node.typeName)")
  }
}
