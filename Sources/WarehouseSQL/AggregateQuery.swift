import Experiment

/// Builds the SQL script that computes, inside a warehouse, every aggregate a report needs
/// (`holdout sql`), from three tables: the cohort, message events and behaviour events
/// (`WarehouseDefinition`).
///
/// The rules are the file path's (`CohortLoader`, `EventJoiner.Fold`, `Measurer.reduce`),
/// written once here from the experiment definition and rendered per dialect by `SQLSyntax`:
/// - a cohort row is rejected without a user id, entry time or known arm (`excluded` is outside
///   coverage); a user listed again is a duplicate; entry at or after `as_of` is not analysed;
/// - a message or event row is rejected without a user id, event or time; rows repeating a
///   de-duplication key (`message_id` + `event`, `event_id`) are duplicates, ordered first by the
///   mapped `row_order` column when there is one; then, in order:
///   after `as_of`, user not in the cohort, user not analysed, event not measured, used (in an
///   exposure, metric, pre-period or return window) or outside every window;
/// - windows are half-open, `t0 + a <= ts < t0 + b`, in integer microseconds; the pre-period is
///   `[t0 − length, t0)`; only users whose window has elapsed by `as_of` are measured;
/// - values are integer micro-units (a conversion is 10⁶), user-level first (users without rows
///   are 0), capped per user (a fixed cap, or the pooled type-7 percentile computed from the
///   order statistics in binary64 exactly as `Measurer.percentileCap` does), and summed in a
///   ≥ 38-digit integer type, so n, Σx, Σx², Σpre, Σpre², Σx·pre are exact.
///
/// Where files and SQL cannot share a rule, the SQL's is documented (docs/warehouse.md): of
/// rows sharing a de-duplication key the kept one is the least by (time, user, event, value,
/// channel) rather than the first in file order, and of cohort rows listing a user again the
/// least by (entry, arm, segments); the two agree whenever repeats are copies.
public struct AggregateQuery: Sendable {
  /// The version of the aggregates' layout; `report --aggregates` refuses another.
  public static let formatVersion = "holdout-aggregates/1"
  /// The experiment.
  public let experiment: ExperimentDefinition
  /// The analysis cutoff, microseconds since the epoch.
  public let asOf: Int64
  /// The dialect's syntax.
  public let syntax: SQLSyntax
  /// The experiment file's digest, written into the output so a stale query is caught.
  public let digest: String
  /// True to add the weekly history's per-cutoff statistics (`holdout sql --weekly`).
  public var weekly = false

  /// A query for `experiment` in `dialect`; throws when the experiment needs what a warehouse
  /// query cannot do (an identities file, per-source renames, a hash split without a recorded
  /// arm is not detectable here and is documented).
  public init(
    experiment: ExperimentDefinition, asOf: Int64, dialect: WarehouseDefinition.Dialect, digest: String
  ) throws(WarehouseError) {
    self.experiment = experiment
    self.asOf = asOf
    syntax = SQLSyntax(dialect)
    self.digest = digest
    if experiment.inputs?.identities != nil {
      throw .unsupported(
        path: experiment.path, key: "inputs.identities",
        message: "identity resolution is not done in the warehouse; resolve aliases to user ids in the tables (a view joining the identities table) and remove inputs.identities for `holdout sql`")
    }
    if experiment.warehouse.timeZone != "UTC" && experiment.warehouse.timeZone.first.map({ $0 == "+" || $0 == "-" }) == true {
      throw .unsupported(
        path: experiment.path, key: "warehouse.time_zone",
        message: "give an IANA zone name (Europe/Rome) or UTC: engines read fixed offsets with opposite signs")
    }
  }

  /// The complete script: a comment header, any preamble, and one SELECT, preceded where the
  /// dialect needs it by one statement per intermediate table (`SQLSyntax.stage`).
  ///
  /// Engines that keep a common table expression read more than once (DuckDB, PostgreSQL) get
  /// one statement: each raw table is read once. Engines that inline it instead, reading its
  /// source again for every reference (Spark, BigQuery, Snowflake, ClickHouse), get the tables
  /// that several parts read as temporary tables first; the message and event rows
  /// (`h_deduped`) stay inside the one statement that aggregates them.
  public func script() throws(WarehouseError) -> String {
    let parts = try QueryParts(query: self)
    var lines: [String] = []
    lines.append("-- Holdout aggregates query (\(Self.formatVersion)) for experiment \(Self.comment(experiment.key)), dialect \(syntax.dialect.rawValue).")
    lines.append("-- Experiment file digest \(digest); as_of \(parts.asOfText).")
    lines.append("-- Save the result of the last statement as CSV with a header and run: holdout report EXPERIMENT --aggregates FILE")
    lines.append(contentsOf: syntax.preamble)
    let tables = try parts.commonTables()
    if syntax.keepsCommonTables {
      lines.append("WITH")
      lines.append(tables.map(\.definition).joined(separator: ",\n"))
    } else {
      var pending: [QueryParts.CommonTable] = []
      for table in tables {
        if table.isStreamed {
          pending.append(table)
          continue
        }
        let with = pending.isEmpty ? "" : "WITH " + pending.map(\.definition).joined(separator: ",\n") + "\n"
        lines.append(contentsOf: syntax.stage(table.name, with + table.body))
        pending = []
      }
    }
    lines.append(syntax.finalQuery(try parts.sections().joined(separator: "\nUNION ALL\n")))
    return lines.joined(separator: "\n") + "\n"
  }

  /// The intermediate tables the script makes temporary tables before its query (none where the
  /// engine keeps common tables, `SQLSyntax.keepsCommonTables`).
  public func stagedTables() throws(WarehouseError) -> [String] {
    guard !syntax.keepsCommonTables else { return [] }
    return try QueryParts(query: self).commonTables().filter { !$0.isStreamed }.map(\.name)
  }

  /// Text safe inside a `--` comment: one line, printable.
  static func comment(_ text: String) -> String {
    String(text.unicodeScalars.prefix(128).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
  }
}
