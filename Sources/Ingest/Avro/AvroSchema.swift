/// An Avro schema (specification 1.12, "Schema Declaration"), as a table of nodes: `nodes[0]`
/// is the top-level type, and every child is an index into `nodes`, so a recursive type (a
/// record that holds a list of itself) is a node that refers to its own index.
///
/// Parsed from the `avro.schema` text of a file's header by `AvroSchema.parse`, with the JSON
/// tree parser (`JSONNode`). What is read:
/// - the eight primitives, by name (`"long"`) or as an object (`{"type": "long"}`);
/// - `record` (and `error`), `enum`, `fixed`: named types, with fullnames made from `namespace`
///   or a dotted name, the namespace inherited from the enclosing named type; `aliases`, `doc`,
///   `default` and `order` are ignored (they matter to schema resolution, which is not done:
///   values are read with the writer's schema);
/// - `array`, `map` and unions (JSON arrays);
/// - references to named types defined earlier, by fullname or by a name in the enclosing
///   namespace (then the null namespace); a name used before its definition, defined twice, or
///   never defined is an error;
/// - logical types (`Logical`) on the underlying types the specification allows. A logical type
///   that is unknown or invalid there (`date` on a string, a decimal whose scale exceeds its
///   precision or whose precision does not fit its fixed size) is ignored and the underlying
///   type is read, as the specification says.
public struct AvroSchema: Sendable, Equatable {
  /// One type.
  public struct Node: Sendable, Equatable {
    /// The type.
    public let kind: Kind
    /// The logical type annotating it, when valid on `kind`.
    public let logical: Logical?

    public init(kind: Kind, logical: Logical? = nil) {
      self.kind = kind
      self.logical = logical
    }
  }

  /// An Avro type; children are indices into `nodes`.
  public enum Kind: Sendable, Equatable {
    case null, boolean, int, long, float, double, bytes, string
    /// A record: its fullname and its fields in schema order.
    case record(name: String, fields: [Field])
    /// An enum: its fullname and its symbols (the encoded value is an index into them).
    case enumeration(name: String, symbols: [String])
    /// An array of `items`.
    case array(items: Int)
    /// A map from strings to `values`.
    case map(values: Int)
    /// A union of `branches` (the encoded value is a branch index, then its value).
    case union(branches: [Int])
    /// A fixed-size byte string: its fullname and its size.
    case fixed(name: String, size: Int)
  }

  /// A record field.
  public struct Field: Sendable, Equatable {
    /// The field's name.
    public let name: String
    /// The field's type, an index into `nodes`.
    public let type: Int

    public init(name: String, type: Int) {
      self.name = name
      self.type = type
    }
  }

  /// The logical types of the specification, each valid on the underlying types listed.
  public enum Logical: Sendable, Equatable {
    /// `decimal` on `bytes` or `fixed`: an unscaled two's-complement big-endian integer; the
    /// value is unscaled × 10^-scale. Precision ≥ 1, 0 ≤ scale ≤ precision.
    case decimal(precision: Int, scale: Int)
    /// `uuid` on `string` (the text) or on `fixed` of size 16 (the 16 bytes).
    case uuid
    /// `date` on `int`: days since 1970-01-01.
    case date
    /// `time-millis` on `int`: milliseconds after midnight.
    case timeMillis
    /// `time-micros` on `long`: microseconds after midnight.
    case timeMicros
    /// `timestamp-millis` on `long`: milliseconds since 1970-01-01T00:00:00Z.
    case timestampMillis
    /// `timestamp-micros` on `long`: microseconds since the epoch, UTC.
    case timestampMicros
    /// `timestamp-nanos` on `long`: nanoseconds since the epoch, UTC.
    case timestampNanos
    /// `local-timestamp-millis` on `long`: milliseconds since 1970-01-01T00:00:00 in an
    /// unstated local time zone.
    case localTimestampMillis
    /// `local-timestamp-micros` on `long`.
    case localTimestampMicros
    /// `local-timestamp-nanos` on `long`.
    case localTimestampNanos
    /// `duration` on `fixed` of size 12: months, days and milliseconds, three little-endian
    /// unsigned 32-bit integers.
    case duration
  }

  /// The types; `nodes[0]` is the top-level type.
  public let nodes: [Node]

  public init(nodes: [Node]) {
    precondition(!nodes.isEmpty, "a schema has a top-level type")
    self.nodes = nodes
  }

  /// The top-level type.
  public var root: Node { nodes[0] }

  /// Parses the JSON text of a schema (`avro.schema`); `path` names the file in messages.
  ///
  /// - Throws: `IngestError.invalidJSON` when the text is not JSON, `.invalidAvro` when it is not
  ///   a valid schema (naming what is wrong and where, by the JSON line).
  public static func parse(_ json: [UInt8], path: String) throws(IngestError) -> AvroSchema {
    var parser = AvroSchemaParser(path: path)
    return try parser.parse(json)
  }

  /// The fewest bytes a value of each node can be encoded in, indexed like `nodes`: a lower
  /// bound, used to refuse a block or array that claims more values than its bytes can hold
  /// before looping over them. Computed from 0 upwards (a type's size from its children's), in a
  /// few passes so that recursive types settle; an unsatisfiable type (a record that always
  /// holds itself) stays a lower bound, capped at 2^30.
  func minimumSizes() -> [Int] {
    var sizes = [Int](repeating: 0, count: nodes.count)
    for _ in 0..<8 {
      var changed = false
      for i in nodes.indices.reversed() {  // children mostly come after their parent
        let size = minimumSize(i, sizes)
        if size != sizes[i] {
          sizes[i] = size
          changed = true
        }
      }
      if !changed { break }
    }
    return sizes
  }

  private func minimumSize(_ index: Int, _ sizes: [Int]) -> Int {
    switch nodes[index].kind {
    case .null: return 0
    case .boolean, .int, .long, .bytes, .string, .enumeration, .array, .map: return 1
    case .float: return 4
    case .double: return 8
    case .fixed(_, let n): return min(n, 1 << 30)
    case .record(_, let fields):
      var total = 0
      for field in fields { total = min(total + sizes[field.type], 1 << 30) }
      return total
    case .union(let branches):
      var smallest = 1 << 30
      for branch in branches { smallest = min(smallest, sizes[branch]) }
      return branches.isEmpty ? 1 : 1 + smallest
    }
  }
}
