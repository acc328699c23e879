import Ingest
import Experiment

/// The pieces of an aggregate query: the quoted names and literals of one experiment in one
/// dialect, and the common table expressions every output section reads.
///
/// The shape is one pass over each raw table, and nothing kept per row:
/// - `h_cohort_all`: the cohort table read once, typed, each row's validity and each valid
///   user's copies numbered; `h_cohort`: one row per user with arm and fate.
/// - `h_deduped`: the message and event rows, typed, each with its rejection code and, per
///   table, the copies of a de-duplication key numbered → `h_activity`: every row joined to the cohort,
///   given its fate, and aggregated at once by (analysed user, role, fate): the per-user values
///   of the rows used, and for everything else one group per (role, fate) with its row count and
///   finding counts. The message and event tables are read by this one aggregation.
/// - `h_users` (one row per analysed user: each metric's value and pre-period value, first
///   exposure and its channel, spend, first return), percentile caps `h_cap_<m>`, `h_measured`.
/// Tables read by several sections (`h_cohort_all`, `h_cohort`, `h_activity`, `h_users`) are
/// small beside the raw tables (a user or a few rows per user); engines that do not keep a
/// common table expression read more than once get them as temporary tables
/// (`SQLSyntax.stage`).
struct QueryParts {
  let query: AggregateQuery
  let syntax: SQLSyntax
  let experiment: ExperimentDefinition
  let asOf: String
  /// The cutoff as an ISO-8601 instant, for the header comment.
  let asOfText: String
  /// Quoted cohort segment columns, in experiment order.
  let segmentColumns: [String]
  /// Per metric: its window start, end and length after entry, in microseconds.
  let windows: [(start: Int64, end: Int64, length: Int64)]
  /// The event codes and window bits of the message and event rows.
  let terms: ActivityTerms
  let survivalWindow: Int64
  let hasMessages: Bool

  init(query: AggregateQuery) throws(WarehouseError) {
    self.query = query
    syntax = query.syntax
    experiment = query.experiment
    asOf = String(query.asOf)
    asOfText = Timestamp.format(query.asOf)
    var segments: [String] = []
    for segment in experiment.segments {
      segments.append(try syntax.identifier(experiment.warehouse.cohort.column(segment)))
    }
    segmentColumns = segments
    windows = experiment.metrics.map { ($0.windowStart, $0.windowEnd, $0.windowLength) }
    terms = ActivityTerms(experiment: experiment)
    survivalWindow = MetricDefinition.micros(days: experiment.analysis.survivalDays)
    hasMessages = experiment.warehouse.messages != nil
  }

  /// A table's column, quoted, for a logical column name.
  func column(_ role: WarehouseDefinition.Role, _ logical: String) throws(WarehouseError) -> String {
    guard let table = experiment.warehouse.table(role), table.has(logical) else { return "NULL" }
    return try syntax.identifier(table.column(logical))
  }

  func table(_ role: WarehouseDefinition.Role) throws(WarehouseError) -> String {
    try syntax.qualified(experiment.warehouse.table(role)?.name ?? [role.rawValue])
  }

  func micros(_ column: String) throws(WarehouseError) -> String {
    try syntax.epochMicros(column, zone: experiment.warehouse.timeZone)
  }

  func text(_ expression: String) -> String { syntax.cast(expression, syntax.text) }

  /// `value` held at most `cap` (a metric's cap): `CASE WHEN value < cap THEN value ELSE cap END`.
  func capped(_ value: String, at cap: String) -> String { "CASE WHEN \(value) < \(cap) THEN \(value) ELSE \(cap) END" }

  /// Metric `m`'s fixed cap in micro-units, as a literal; nil when it has none.
  func fixedCap(_ m: Int) -> String? { experiment.metrics[m].cap.map { String(Decimal.micros($0)) } }

  /// The mapped row-order column of a role as a 64-bit integer, or nil when not mapped.
  func rowOrder(_ role: WarehouseDefinition.Role) throws(WarehouseError) -> String? {
    guard let name = experiment.warehouse.table(role)?.columns[WarehouseDefinition.Role.rowOrder] else { return nil }
    return syntax.cast(try syntax.identifier(name), syntax.bigint)
  }

  /// True when some table of the message and event rows maps a row order.
  var hasRowOrder: Bool {
    [WarehouseDefinition.Role.messages, .events].contains { experiment.warehouse.table($0)?.columns[WarehouseDefinition.Role.rowOrder] != nil }
  }

  /// The value column in integer micro-units, rounded half away from zero.
  func valueMicros(_ column: String) -> String {
    switch syntax.dialect {
    case .postgres: return "CAST(ROUND(CAST(\(column) AS NUMERIC) * 1000000) AS BIGINT)"
    case .bigquery: return "CAST(ROUND(CAST(\(column) AS BIGNUMERIC) * 1000000) AS INT64)"
    case .clickhouse: return "toInt64(round(toDecimal128(\(column), 9) * 1000000))"
    case .snowflake: return "CAST(ROUND(CAST(\(column) AS NUMBER(38,9)) * 1000000) AS BIGINT)"
    case .duckdb, .spark: return "CAST(ROUND(CAST(\(column) AS DECIMAL(38,9)) * 1000000) AS BIGINT)"
    }
  }

  /// The common tables read only once, by the next table: never made temporary tables (the
  /// message and event rows, as many as the raw tables hold).
  static let streamed: Set<String> = ["h_deduped"]

  /// One common table expression: its name and the query in its parentheses.
  struct CommonTable {
    let name: String
    let body: String

    init(_ name: String, _ body: String) {
      self.name = name
      self.body = body
    }

    /// `name AS (…)`, as a `WITH` clause lists it.
    var definition: String { "\(name) AS (\n\(body)\n)" }
    /// True when only the next table reads it (`streamed`): it stays inside that table's statement.
    var isStreamed: Bool { QueryParts.streamed.contains(name) }
  }

  /// All common table expressions, in order.
  func commonTables() throws(WarehouseError) -> [CommonTable] {
    var tables = try cohortTables()
    tables.append(try rowsTable())
    tables.append(try activityTable())
    tables.append(contentsOf: try userTables())
    if query.weekly { tables.append(contentsOf: weeklyTables()) }
    return tables
  }

  private func cohortTables() throws(WarehouseError) -> [CommonTable] {
    let segmentSelect = try experiment.segments.indices.map { k throws(WarehouseError) in
      "COALESCE(\(text(segmentColumns[k])), '') AS seg_\(k)"
    }
    var armNames: [String] = []
    for arm in experiment.arms { armNames.append(arm.name) }
    let known = try syntax.literals(armNames + ["excluded"])
    var armCase = "CASE arm_name"
    for (index, arm) in experiment.arms.enumerated() { armCase += " WHEN \(try syntax.literal(arm.name)) THEN \(index)" }
    armCase += " END"
    let segmentOrder = experiment.segments.indices.map { ", \(syntax.bytewise("seg_\($0)"))" }.joined()
    let segmentNames = experiment.segments.indices.map { ", seg_\($0)" }.joined()
    let cohortOrder = try rowOrder(.cohort)
    let order = "PARTITION BY valid, user_id ORDER BY \(cohortOrder == nil ? "" : "ord NULLS LAST, ")t0, \(syntax.bytewise("arm_name"))\(segmentOrder)"
    let all = CommonTable("h_cohort_all", """
        SELECT r.*, CASE WHEN valid = 1 THEN ROW_NUMBER() OVER (\(order)) ELSE 0 END AS copy, \(syntax.firstValue("arm_name")) OVER (\(order)) AS first_arm
        FROM (
          SELECT r.*, CASE WHEN user_id IS NOT NULL AND user_id <> '' AND t0 IS NOT NULL AND arm_name IN (\(known)) THEN 1 ELSE 0 END AS valid
          FROM (
            SELECT \(text(try column(.cohort, "user_id"))) AS user_id, \(try micros(try column(.cohort, "entered_at"))) AS t0,
              \(text(try column(.cohort, "arm"))) AS arm_name\(segmentSelect.map { ",\n        " + $0 }.joined())\(cohortOrder.map { ", \($0) AS ord" } ?? "")
            FROM \(try table(.cohort))
          ) r
        ) r
      """)
    let cohort = CommonTable("h_cohort", """
        SELECT user_id, t0, \(armCase) AS arm\(segmentNames),
          CASE WHEN t0 >= \(asOf) THEN 'entered_after_as_of' WHEN arm_name = 'excluded' THEN 'outside_coverage' ELSE 'used' END AS fate,
          CASE WHEN t0 >= \(asOf) OR arm_name = 'excluded' THEN 0 ELSE 1 END AS analysed
        FROM h_cohort_all WHERE valid = 1 AND copy = 1
      """)
    return [all, cohort]
  }

  /// Why a message or event row is rejected, by code (`h_deduped.reject`; 0 is a valid row).
  static let rejections = [(1, "empty_user_id"), (2, "empty_event"), (3, "missing_field")]
  /// A row's fate by code (`h_activity.fate`), in the file path's order; rejected rows carry
  /// `rejectedFate` + their rejection code.
  static let fates = [
    (0, "used"), (1, "duplicate"), (2, "after_as_of"), (3, "user_not_in_cohort"), (4, "user_not_analysed"),
    (5, "event_not_measured"), (6, "outside_windows"),
  ]
  static let rejectedFate = 10

  /// The code of fate (or, in `rejections`, rejection) `name`: the SQL's CASE expressions and the
  /// accounting's names are written from the same list.
  static func code(of name: String, in list: [(Int, String)] = fates) -> Int {
    list.first { $0.1 == name }!.0
  }

  /// `h_deduped`: the message and event rows, typed, each with its rejection code (`reject`)
  /// and, per table, its copy number among the rows sharing its de-duplication key and whether
  /// it conflicts with the first copy. The window runs per table, and not at all for a table
  /// without a key column (mapped to `null`).
  private func rowsTable() throws(WarehouseError) -> CommonTable {
    let none = syntax.cast("NULL", syntax.text)
    let events = """
      SELECT 1 AS role, \(text(try column(.events, "user_id"))) AS user_id, \(text(try column(.events, "event"))) AS event,
              \(try eventCode(text(try column(.events, "event")))) AS code,
              \(try micros(try column(.events, "timestamp"))) AS ts, \(valueMicros(try column(.events, "value"))) AS value,
              \(none) AS channel, \(text(try column(.events, "event_id"))) AS key_a, \(none) AS key_b\(try orderColumn(.events))
            FROM \(try table(.events))\(try timeFilter(.events))
      """
    let eventRows = deduplicated(events, keyed: hasKey(.events))
    guard hasMessages else { return CommonTable("h_deduped", "  \(eventRows)") }
    let event = text(try column(.messages, "event"))
    let channel = text(try column(.messages, "channel"))
    // ChannelName's rule: the event name before the first separator, or all of it.
    let underscore = syntax.position(of: ChannelName.separatorLiteral, in: event)
    let channelCase = """
      CASE WHEN \(channel) IS NOT NULL AND \(channel) <> '' AND \(channel) <> 'customer' THEN \(channel)
                WHEN \(underscore) = 0 THEN NULLIF(\(event), '')
                WHEN \(underscore) > 1 THEN \(syntax.prefix(event, "\(underscore) - 1"))
                ELSE \(none) END
      """
    let messages = """
      SELECT 0 AS role, \(text(try column(.messages, "user_id"))) AS user_id, \(event) AS event, \(try eventCode(event)) AS code,
              \(try micros(try column(.messages, "timestamp"))) AS ts, \(syntax.cast("NULL", syntax.bigint)) AS value,
              \(channelCase) AS channel,
              \(text(try column(.messages, "message_id"))) AS key_a, \(event) AS key_b\(try orderColumn(.messages))
            FROM \(try table(.messages))\(try timeFilter(.messages))
      """
    return CommonTable("h_deduped", """
        \(deduplicated(messages, keyed: hasKey(.messages)))
        UNION ALL
        \(eventRows)
      """)
  }

  /// The bound on a message or event table's read when the experiment file gives
  /// `warehouse.since` (`ExperimentDefinition.warehouseReadBounds`): its timestamp column, and
  /// its partition date column when mapped, compared with constants, which an engine can prune
  /// partitions and row groups on. The constants are untyped literals, so each engine reads
  /// them as the column's own type (no cast on the column). Empty without `since`.
  func timeFilter(_ role: WarehouseDefinition.Role) throws(WarehouseError) -> String {
    guard let bounds = experiment.warehouseReadBounds(asOf: query.asOf) else { return "" }
    func literal(_ t: Int64, date: Bool) -> String {
      let text = Timestamp.format(t)  // 2026-08-01T00:00:00Z
      let day = String(text.prefix(10))
      return date ? "'\(day)'" : "'\(day) \(text.dropFirst(11).prefix(8))'"
    }
    let time = try column(role, "timestamp")
    var filter = "\n            WHERE \(time) >= \(literal(bounds.from, date: false)) AND \(time) < \(literal(bounds.until, date: false))"
    if let name = experiment.warehouse.table(role)?.columns[WarehouseDefinition.Role.partitionDate] {
      let partition = try syntax.identifier(name)
      filter += " AND \(partition) >= \(literal(bounds.from, date: true)) AND \(partition) <= \(literal(bounds.until, date: true))"
    }
    return filter
  }

  /// True when the role's table has its de-duplication key column.
  func hasKey(_ role: WarehouseDefinition.Role) -> Bool {
    experiment.warehouse.table(role)?.has(role == .messages ? "message_id" : "event_id") ?? false
  }

  /// The rows of `select` (one table's typed rows) with `reject`, `copy` and `conflicting`. Of
  /// the rows sharing a key (`key_a`, `key_b`), the first by (row order, time, user, event,
  /// value, channel) is copy 1; a later copy conflicts when its user, event, time or value
  /// differs from the first's. Rows without a key (or rejected) are each copy 1.
  private func deduplicated(_ select: String, keyed: Bool) -> String {
    let reject = "CASE WHEN user_id IS NULL OR user_id = '' THEN \(Self.code(of: "empty_user_id", in: Self.rejections))"
      + " WHEN event IS NULL OR event = '' THEN \(Self.code(of: "empty_event", in: Self.rejections))"
      + " WHEN ts IS NULL THEN \(Self.code(of: "missing_field", in: Self.rejections)) ELSE 0 END"
    guard keyed else {
      return """
        SELECT v.*, \(reject) AS reject, 1 AS copy, 0 AS conflicting
          FROM (
            \(select)\(syntax.fence)
          ) v
        """
    }
    // Rows without a key are partitioned by user too, so that they do not make one partition.
    let partition = "PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY \(hasRowOrder ? "ord NULLS LAST, " : "")ts, \(syntax.bytewise("user_id")), \(syntax.bytewise("event")), value NULLS FIRST, \(syntax.bytewise("channel")) NULLS FIRST"
    let unkeyed = "reject <> 0 OR key_a IS NULL OR key_a = ''"
    return """
      SELECT v.*,
            CASE WHEN \(unkeyed) THEN 1 ELSE ROW_NUMBER() OVER (\(partition)) END AS copy,
            CASE WHEN \(unkeyed) THEN 0
              WHEN user_id <> \(syntax.firstValue("user_id")) OVER (\(partition)) OR event <> \(syntax.firstValue("event")) OVER (\(partition))
                OR ts <> \(syntax.firstValue("ts")) OVER (\(partition))
                OR COALESCE(value, -1) <> COALESCE(\(syntax.firstValue("value")) OVER (\(partition)), -1) THEN 1 ELSE 0 END AS conflicting
          FROM (
            SELECT v.*, \(reject) AS reject
            FROM (
              \(select)\(syntax.fence)
            ) v
          ) v
      """
  }

  /// `, <row order> AS ord` for a message or event table when any of them maps one (NULL for
  /// the other, so both halves of the UNION have the column).
  private func orderColumn(_ role: WarehouseDefinition.Role) throws(WarehouseError) -> String {
    guard hasRowOrder else { return "" }
    return ", " + (try rowOrder(role) ?? syntax.cast("NULL", syntax.bigint)) + " AS ord"
  }
}
