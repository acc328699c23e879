/// A parsed JSON value that remembers the line it started on, for configuration files whose
/// errors must say where they are.
///
/// Object members keep their order and duplicate keys are rejected, so a configuration can never
/// mean two things. Numbers keep their source text as well as their value.
public struct JSONNode: Sendable, Equatable {
  /// The value.
  public indirect enum Value: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([Member])
  }

  /// An object member.
  public struct Member: Sendable, Equatable {
    /// The key.
    public let key: String
    /// The value.
    public let node: JSONNode
  }

  /// The value.
  public let value: Value
  /// The 1-based line on which the value starts.
  public let line: Int

  /// A short name of the value's type, for messages ("a string", "an object").
  public var typeName: String {
    switch value {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  /// Parses one or more complete documents written one after another.
  public static func parseSequence(_ bytes: [UInt8], path: String) throws(IngestError) -> [JSONNode] {
    var parser = JSONTreeParser(bytes: bytes, path: path)
    return try parser.parseSequence()
  }

  /// Parses a complete JSON document; `path` is used in error messages.
  public static func parse(_ bytes: [UInt8], path: String) throws(IngestError) -> JSONNode {
    var parser = JSONTreeParser(bytes: bytes, path: path)
    return try parser.parseDocument()
  }
}
