import Ingest
import Experiment

/// The pieces of an aggregate query: the quoted names and literals of one experiment in one
/// dialect, and the common table expressions every output section reads.
///
/// The CTEs, in order: `h_cohort_rows` (typed cohort rows), `h_cohort_copies` (valid rows, each
/// user's copies numbered), `h_cohort` (one row per user with arm and fate), `h_rows` (message
/// and event rows, typed), `h_deduped` (valid rows, copies of a de-duplication key numbered),
/// `h_classified` (each row's fate and offset from entry), `h_users` (one row per analysed
/// user: each metric's value and pre-period value, first exposure, spend, first return),
/// `h_first_channel`, percentile caps `h_cap_<m>`, and `h_measured` (capped values and
/// maturity flags).
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
  /// Per metric: the events that count, as an `IN` list.
  let metricEvents: [String]
  let exposureEvents: String
  let returnEvents: String
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
    var events: [String] = []
    for metric in experiment.metrics { events.append(try syntax.literals(metric.events)) }
    metricEvents = events
    exposureEvents = try syntax.literals(experiment.exposure)
    returnEvents = try syntax.literals(experiment.returnEvents)
    survivalWindow = MetricDefinition.micros(days: experiment.analysis.survivalDays)
    hasMessages = experiment.warehouse.messages != nil
  }

  /// `expression IN (list)`, or a false condition for an empty list.
  func isIn(_ expression: String, _ list: String) -> String {
    list.isEmpty ? "1 = 0" : "\(expression) IN (\(list))"
  }

  /// A table's column, quoted, for a logical column name.
  func column(_ role: WarehouseDefinition.Role, _ logical: String) throws(WarehouseError) -> String {
    guard let table = experiment.warehouse.table(role) else { return "NULL" }
    return try syntax.identifier(table.column(logical))
  }

  func table(_ role: WarehouseDefinition.Role) throws(WarehouseError) -> String {
    try syntax.qualified(experiment.warehouse.table(role)?.name ?? [role.rawValue])
  }

  func micros(_ column: String) throws(WarehouseError) -> String {
    try syntax.epochMicros(column, zone: experiment.warehouse.timeZone)
  }

  func text(_ expression: String) -> String { syntax.cast(expression, syntax.text) }

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

  /// All common table expressions, as `name AS (…)`.
  func commonTables() throws(WarehouseError) -> [String] {
    var tables = try cohortTables()
    tables.append(try rowsTable())
    tables.append(contentsOf: try classifiedTables())
    tables.append(contentsOf: try userTables())
    if query.weekly { tables.append(contentsOf: weeklyTables()) }
    return tables
  }

  private func cohortTables() throws(WarehouseError) -> [String] {
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
    let order = "PARTITION BY user_id ORDER BY \(cohortOrder == nil ? "" : "ord NULLS LAST, ")t0, \(syntax.bytewise("arm_name"))\(segmentOrder)"
    let rows = """
      h_cohort_rows AS (
        SELECT r.*, CASE WHEN user_id IS NOT NULL AND user_id <> '' AND t0 IS NOT NULL AND arm_name IN (\(known)) THEN 1 ELSE 0 END AS valid
        FROM (
          SELECT \(text(try column(.cohort, "user_id"))) AS user_id, \(try micros(try column(.cohort, "entered_at"))) AS t0,
            \(text(try column(.cohort, "arm"))) AS arm_name\(segmentSelect.map { ",\n      " + $0 }.joined())\(cohortOrder.map { ", \($0) AS ord" } ?? "")
          FROM \(try table(.cohort))
        ) r
      )
      """
    let copies = """
      h_cohort_copies AS (
        SELECT r.*, ROW_NUMBER() OVER (\(order)) AS copy, \(syntax.firstValue("arm_name")) OVER (\(order)) AS first_arm
        FROM h_cohort_rows r
        WHERE valid = 1
      )
      """
    let cohort = """
      h_cohort AS (
        SELECT user_id, t0, \(armCase) AS arm\(segmentNames),
          CASE WHEN t0 >= \(asOf) THEN 'entered_after_as_of' WHEN arm_name = 'excluded' THEN 'outside_coverage' ELSE 'used' END AS fate
        FROM h_cohort_copies WHERE copy = 1
      )
      """
    return [rows, copies, cohort]
  }

  private func rowsTable() throws(WarehouseError) -> String {
    let none = syntax.cast("NULL", syntax.text)
    let events = """
        SELECT 'events' AS role, \(text(try column(.events, "user_id"))) AS user_id, \(text(try column(.events, "event"))) AS event,
          \(try micros(try column(.events, "timestamp"))) AS ts, \(valueMicros(try column(.events, "value"))) AS value,
          \(none) AS channel, \(text(try column(.events, "event_id"))) AS key_a, \(none) AS key_b\(try orderColumn(.events))
        FROM \(try table(.events))
      """
    guard hasMessages else { return "h_rows AS (\n\(events)\n)" }
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
    return """
      h_rows AS (
        SELECT 'messages' AS role, \(text(try column(.messages, "user_id"))) AS user_id, \(event) AS event,
          \(try micros(try column(.messages, "timestamp"))) AS ts, \(syntax.cast("NULL", syntax.bigint)) AS value,
          \(channelCase) AS channel,
          \(text(try column(.messages, "message_id"))) AS key_a, \(event) AS key_b\(try orderColumn(.messages))
        FROM \(try table(.messages))
        UNION ALL
      \(events)
      )
      """
  }

  /// `, <row order> AS ord` for a message or event table when any of them maps one (NULL for
  /// the other, so both halves of the UNION have the column).
  private func orderColumn(_ role: WarehouseDefinition.Role) throws(WarehouseError) -> String {
    guard hasRowOrder else { return "" }
    return ", " + (try rowOrder(role) ?? syntax.cast("NULL", syntax.bigint)) + " AS ord"
  }

  /// The condition that a classified row falls in some window (exposure, metric, pre-period,
  /// return), given that its user is analysed and its event measured.
  private func inSomeWindow() -> String {
    var conditions = ["(role = 'messages' AND \(isIn("event", exposureEvents)) AND off >= 0)"]
    for (m, window) in windows.enumerated() {
      conditions.append(
        "(\(isIn("event", metricEvents[m])) AND ((off >= \(window.start) AND off < \(window.end)) OR (off < 0 AND off >= -\(window.length))))")
    }
    conditions.append("(\(isIn("event", returnEvents)) AND off >= 0 AND off < \(survivalWindow))")
    return conditions.joined(separator: "\n        OR ")
  }

  private func classifiedTables() throws(WarehouseError) -> [String] {
    let measuredEvents = try syntax.literals(Array(Set(experiment.metrics.flatMap(\.events) + experiment.returnEvents)).sorted())
    let measured = "(role = 'messages' AND \(isIn("event", exposureEvents))) OR \(isIn("event", measuredEvents))"
    let partition = "PARTITION BY role, key_a, key_b ORDER BY \(hasRowOrder ? "ord NULLS LAST, " : "")ts, \(syntax.bytewise("user_id")), \(syntax.bytewise("event")), value NULLS FIRST, \(syntax.bytewise("channel")) NULLS FIRST"
    let deduped = """
      h_deduped AS (
        SELECT v.*,
          CASE WHEN key_a IS NULL OR key_a = '' THEN 1 ELSE ROW_NUMBER() OVER (\(partition)) END AS copy,
          CASE WHEN key_a IS NULL OR key_a = '' THEN 0
            WHEN user_id <> \(syntax.firstValue("user_id")) OVER (\(partition)) OR event <> \(syntax.firstValue("event")) OVER (\(partition))
              OR ts <> \(syntax.firstValue("ts")) OVER (\(partition))
              OR COALESCE(value, -1) <> COALESCE(\(syntax.firstValue("value")) OVER (\(partition)), -1) THEN 1 ELSE 0 END AS conflicting
        FROM h_rows v
        WHERE user_id IS NOT NULL AND user_id <> '' AND event IS NOT NULL AND event <> '' AND ts IS NOT NULL
      )
      """
    let classified = """
      h_classified AS (
        SELECT j.*, CASE
            WHEN copy > 1 THEN 'duplicate'
            WHEN ts >= \(asOf) THEN 'after_as_of'
            WHEN member IS NULL THEN 'user_not_in_cohort'
            WHEN member_fate <> 'used' THEN 'user_not_analysed'
            WHEN NOT (\(measured)) THEN 'event_not_measured'
            WHEN \(inSomeWindow()) THEN 'used'
            ELSE 'outside_windows' END AS fate
        FROM (
          SELECT d.role, d.event, d.ts, d.value, d.channel, d.copy, d.conflicting, c.user_id AS member, c.fate AS member_fate,
            d.ts - c.t0 AS off
          FROM h_deduped d LEFT JOIN h_cohort c ON c.user_id = d.user_id
        ) j
      )
      """
    return [deduped, classified]
  }
}
