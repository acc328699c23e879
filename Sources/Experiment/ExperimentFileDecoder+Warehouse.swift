import Ingest

extension ExperimentFileDecoder {
  /// Decodes `warehouse` (docs/warehouse.md): `dialect`, `tables` (role → a name, or an object
  /// with `name` and `columns`), `since`, `time_zone`. Without the object, or for what it leaves out, the
  /// defaults are the Holdout CSV names: tables `cohort`, `messages`, `events`; the messages
  /// table is read only when the experiment measures exposure.
  static func decodeWarehouse(
    _ object: inout ObjectReader, path: String, hasMessages: Bool, segments: [String]
  ) throws(ExperimentError) -> WarehouseDefinition {
    var warehouse = WarehouseDefinition()
    if !hasMessages { warehouse.messages = nil }
    guard let node = try object.optionalNode("warehouse") else { return warehouse }
    var reader = try ObjectReader(node, path: path, keyPath: "warehouse")
    if let name = try reader.optionalString("dialect") {
      guard let dialect = WarehouseDefinition.Dialect(rawValue: name) else {
        throw reader.invalid("dialect", "must be one of \(WarehouseDefinition.Dialect.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
      }
      warehouse.dialect = dialect
    }
    if let tablesNode = try reader.optionalNode("tables") {
      var tables = try ObjectReader(tablesNode, path: path, keyPath: "warehouse.tables")
      for role in WarehouseDefinition.Role.allCases {
        guard let tableNode = try tables.optionalNode(role.rawValue) else { continue }
        let table = try self.table(tableNode, role: role, path: path, segments: segments)
        switch role {
        case .cohort: warehouse.cohort = table
        case .messages: warehouse.messages = table
        case .events: warehouse.events = table
        }
      }
      try tables.rejectUnknownKeys()
    }
    if let text = try reader.optionalString("since") {
      guard let instant = Timestamp.parse(text) else {
        throw reader.invalid("since", "'\(text)' is not an ISO-8601 date or time (2026-08-01 or 2026-08-01T00:00:00Z)")
      }
      warehouse.since = instant
    }
    if let zone = try reader.optionalString("time_zone") {
      guard TimeZoneRule(zone) != nil else {
        throw reader.invalid("time_zone", "'\(zone)' is not UTC, an offset such as +01:00, or an IANA zone name such as Europe/Rome")
      }
      warehouse.timeZone = zone
    }
    try reader.rejectUnknownKeys()
    return warehouse
  }

  private static func table(
    _ node: JSONNode, role: WarehouseDefinition.Role, path: String, segments: [String]
  ) throws(ExperimentError) -> WarehouseDefinition.Table {
    let key = "warehouse.tables.\(role.rawValue)"
    func parts(_ name: String, line: Int, key: String) throws(ExperimentError) -> [String] {
      let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard !name.isEmpty, parts.count <= 3, parts.allSatisfy({ !$0.isEmpty }) else {
        throw .invalidExperiment(
          path: path, line: line, key: key,
          message: "'\(name)' is not a table name; give table, schema.table or catalog.schema.table")
      }
      for part in parts where part.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
        throw .invalidExperiment(path: path, line: line, key: key, message: "a table name must not contain control characters")
      }
      return parts
    }
    if case .string(let name) = node.value {
      return .init(name: try parts(name, line: node.line, key: key))
    }
    var reader = try ObjectReader(node, path: path, keyPath: key)
    let name = try reader.string("name")
    var table = WarehouseDefinition.Table(name: try parts(name, line: reader.line, key: key + ".name"))
    if let columnsNode = try reader.optionalNode("columns") {
      var columns = try ObjectReader(columnsNode, path: path, keyPath: key + ".columns")
      let known = role.columns + [WarehouseDefinition.Role.rowOrder] + (role == .cohort ? segments : [WarehouseDefinition.Role.partitionDate])
      for logical in columns.keys {
        guard known.contains(logical) else {
          throw columns.invalid(logical, "is not a column of the \(role.rawValue) table; its columns are \(known.joined(separator: ", "))")
        }
        if try columns.optionalNode(logical) == nil {  // `null`: the table lacks the column
          guard role.optionalColumns.contains(logical) else {
            throw columns.invalid(
              logical,
              "cannot be null: the \(role.rawValue) table needs it (only \(role.optionalColumns.isEmpty ? "no column" : role.optionalColumns.joined(separator: ", ")) may be null, for a table without it)")
          }
          table.absent.insert(logical)
          continue
        }
        let column = try columns.string(logical)
        guard !column.isEmpty, !column.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
          throw columns.invalid(logical, "a column name must be non-empty and without control characters")
        }
        table.columns[logical] = column
      }
    }
    try reader.rejectUnknownKeys()
    return table
  }
}
