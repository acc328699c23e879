/// Builds an `AvroSchema` node table from the JSON text of a schema (the rules are in
/// `AvroSchema`'s documentation).
///
/// Every type takes its slot in the table before its children are parsed, so the top-level type
/// is node 0 and a record is defined (and can be referred to by name) while its own fields are
/// read. Recursion follows the JSON nesting, which the tree parser limits to 64 levels.
struct AvroSchemaParser {
  let path: String
  /// The byte offset of the schema text in the file, for messages.
  let offset: Int
  private var nodes: [AvroSchema.Node] = []
  /// Named types by fullname → node index.
  private var named: [String: Int] = [:]

  static let primitives: [String: AvroSchema.Kind] = [
    "null": .null, "boolean": .boolean, "int": .int, "long": .long, "float": .float, "double": .double,
    "bytes": .bytes, "string": .string,
  ]

  init(path: String, offset: Int = 0) {
    self.path = path
    self.offset = offset
  }

  mutating func parse(_ json: [UInt8]) throws(IngestError) -> AvroSchema {
    let root: JSONNode
    do {
      root = try JSONNode.parse(json, path: path)
    } catch {
      var detail = error.description
      if case .invalidJSON(_, let line, let column, let message) = error {
        detail = "line \(line), column \(column): \(message)"
      }
      throw .invalidAvro(path: path, offset: offset, reason: "the schema in the header (avro.schema) is not valid JSON (\(detail)); \(Self.fix)")
    }
    nodes = []
    named = [:]
    let index = try type(root, namespace: "")
    precondition(index == 0, "the top-level type takes the first slot")
    return AvroSchema(nodes: nodes)
  }

  static let fix = "the file's writer produced an invalid schema; re-export it, or convert it with avro-tools"

  private func fail(_ node: JSONNode, _ message: String) -> IngestError {
    .invalidAvro(path: path, offset: offset, reason: "the schema in the header (avro.schema), line \(node.line): \(message); \(Self.fix)")
  }

  /// Reserves a slot and returns its index.
  private mutating func reserve() -> Int {
    nodes.append(AvroSchema.Node(kind: .null))
    return nodes.count - 1
  }

  /// Parses a schema: a name, an object or a union; returns its node index.
  private mutating func type(_ node: JSONNode, namespace: String) throws(IngestError) -> Int {
    switch node.value {
    case .string(let name):
      if let kind = Self.primitives[name] {
        let slot = reserve()
        nodes[slot] = AvroSchema.Node(kind: kind)
        return slot
      }
      return try reference(name, namespace: namespace, node)
    case .array(let branches):
      let slot = reserve()
      var indices: [Int] = []
      for branch in branches { indices.append(try type(branch, namespace: namespace)) }
      nodes[slot] = AvroSchema.Node(kind: .union(branches: indices))
      return slot
    case .object(let members):
      return try object(members, node, namespace: namespace)
    default:
      throw fail(node, "a type must be a name, an object or an array (a union), not \(node.typeName)")
    }
  }

  /// A named type defined earlier: by fullname, by a name in the enclosing namespace, or by a
  /// name in the null namespace.
  private func reference(_ name: String, namespace: String, _ node: JSONNode) throws(IngestError) -> Int {
    if !name.contains("."), !namespace.isEmpty, let index = named[namespace + "." + name] { return index }
    if let index = named[name] { return index }
    throw fail(node, "'\(name)' is neither a primitive type nor a named type defined before it")
  }

  private mutating func object(
    _ members: [JSONNode.Member], _ node: JSONNode, namespace: String
  ) throws(IngestError) -> Int {
    guard let typeNode = Self.member("type", members) else { throw fail(node, "an object type has no \"type\"") }
    guard case .string(let type) = typeNode.value else {
      // {"type": {...}} or {"type": [...]}: the inner schema (any logical type here is ignored).
      return try self.type(typeNode, namespace: namespace)
    }
    if let kind = Self.primitives[type] {
      let slot = reserve()
      nodes[slot] = AvroSchema.Node(kind: kind, logical: logical(members, on: kind))
      return slot
    }
    switch type {
    case "record", "error":
      let (fullname, inner) = try definition(members, node, namespace: namespace)
      let slot = reserve()
      named[fullname] = slot
      guard let fieldsNode = Self.member("fields", members), case .array(let list) = fieldsNode.value else {
        throw fail(node, "record '\(fullname)' has no \"fields\" array")
      }
      var fields: [AvroSchema.Field] = []
      var seen: Set<String> = []
      for field in list {
        guard case .object(let attributes) = field.value, let nameNode = Self.member("name", attributes),
          case .string(let name) = nameNode.value
        else { throw fail(field, "a field of record '\(fullname)' has no \"name\" string") }
        guard seen.insert(name).inserted else { throw fail(field, "record '\(fullname)' has two fields named '\(name)'") }
        guard let fieldType = Self.member("type", attributes) else {
          throw fail(field, "field '\(name)' of record '\(fullname)' has no \"type\"")
        }
        fields.append(AvroSchema.Field(name: name, type: try self.type(fieldType, namespace: inner)))
      }
      nodes[slot] = AvroSchema.Node(kind: .record(name: fullname, fields: fields))
      return slot
    case "enum":
      let (fullname, _) = try definition(members, node, namespace: namespace)
      guard let symbolsNode = Self.member("symbols", members), case .array(let list) = symbolsNode.value else {
        throw fail(node, "enum '\(fullname)' has no \"symbols\" array")
      }
      var symbols: [String] = []
      for symbol in list {
        guard case .string(let text) = symbol.value else { throw fail(symbol, "a symbol of enum '\(fullname)' is not a string") }
        symbols.append(text)
      }
      let slot = reserve()
      named[fullname] = slot
      nodes[slot] = AvroSchema.Node(kind: .enumeration(name: fullname, symbols: symbols))
      return slot
    case "fixed":
      let (fullname, _) = try definition(members, node, namespace: namespace)
      guard let sizeNode = Self.member("size", members), let size = Self.integer(sizeNode), size >= 0, size <= Int(Int32.max) else {
        throw fail(node, "fixed '\(fullname)' has no \"size\" between 0 and 2147483647")
      }
      let slot = reserve()
      named[fullname] = slot
      let kind = AvroSchema.Kind.fixed(name: fullname, size: size)
      nodes[slot] = AvroSchema.Node(kind: kind, logical: logical(members, on: kind))
      return slot
    case "array", "map":
      let key = type == "array" ? "items" : "values"
      guard let child = Self.member(key, members) else { throw fail(node, "\(type) has no \"\(key)\"") }
      let slot = reserve()
      let index = try self.type(child, namespace: namespace)
      nodes[slot] = AvroSchema.Node(kind: type == "array" ? .array(items: index) : .map(values: index))
      return slot
    default:
      // {"type": "SomeRecord"}: a reference written as an object.
      return try reference(type, namespace: namespace, typeNode)
    }
  }

  /// The fullname of a named type being defined and the namespace its children inherit; refuses
  /// a name defined twice or a primitive's name.
  private func definition(
    _ members: [JSONNode.Member], _ node: JSONNode, namespace: String
  ) throws(IngestError) -> (fullname: String, namespace: String) {
    guard let nameNode = Self.member("name", members), case .string(let name) = nameNode.value, !name.isEmpty else {
      throw fail(node, "a named type (record, enum, fixed) has no \"name\"")
    }
    var space = namespace
    if let dot = name.lastIndex(of: ".") {
      space = String(name[..<dot])
    } else if let nsNode = Self.member("namespace", members) {
      if case .string(let text) = nsNode.value { space = text } else if nsNode.value != .null {
        throw fail(nsNode, "the \"namespace\" of '\(name)' is not a string")
      }
    }
    let fullname = name.contains(".") || space.isEmpty ? name : space + "." + name
    guard Self.primitives[name] == nil else { throw fail(node, "'\(name)' is a primitive type and cannot be redefined") }
    guard named[fullname] == nil else { throw fail(node, "'\(fullname)' is defined twice") }
    return (fullname, space)
  }

  /// The valid logical type of an object whose underlying type is `kind`, or nil (absent,
  /// unknown, or invalid there: then the underlying type is read).
  private func logical(_ members: [JSONNode.Member], on kind: AvroSchema.Kind) -> AvroSchema.Logical? {
    guard let node = Self.member("logicalType", members), case .string(let name) = node.value else { return nil }
    switch (name, kind) {
    case ("decimal", .bytes), ("decimal", .fixed):
      guard let precisionNode = Self.member("precision", members), let precision = Self.integer(precisionNode),
        precision >= 1
      else { return nil }
      var scale = 0
      if let scaleNode = Self.member("scale", members) {
        guard let s = Self.integer(scaleNode), s >= 0 else { return nil }
        scale = s
      }
      guard scale <= precision else { return nil }
      if case .fixed(_, let size) = kind {
        // The most digits a signed size-byte integer always holds: floor(log10(2^(8·size−1) − 1)).
        guard size >= 1, Double(precision) <= (Double(8 * size - 1) * 0.301_029_995_663_981_2).rounded(.down) else {
          return nil
        }
      }
      return .decimal(precision: precision, scale: scale)
    case ("uuid", .string): return .uuid
    case ("uuid", .fixed(_, 16)): return .uuid
    case ("date", .int): return .date
    case ("time-millis", .int): return .timeMillis
    case ("time-micros", .long): return .timeMicros
    case ("timestamp-millis", .long): return .timestampMillis
    case ("timestamp-micros", .long): return .timestampMicros
    case ("timestamp-nanos", .long): return .timestampNanos
    case ("local-timestamp-millis", .long): return .localTimestampMillis
    case ("local-timestamp-micros", .long): return .localTimestampMicros
    case ("local-timestamp-nanos", .long): return .localTimestampNanos
    case ("duration", .fixed(_, 12)): return .duration
    default: return nil
    }
  }

  static func member(_ key: String, _ members: [JSONNode.Member]) -> JSONNode? {
    members.first { $0.key == key }?.node
  }

  /// A JSON number that is an integer of at most 2^53 in magnitude.
  static func integer(_ node: JSONNode) -> Int? {
    guard case .number(let value) = node.value, value == value.rounded(.towardZero), abs(value) <= 9_007_199_254_740_992 else {
      return nil
    }
    return Int(value)
  }
}
