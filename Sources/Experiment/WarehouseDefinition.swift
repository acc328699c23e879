import Ingest

/// Where an experiment's rows live in a warehouse (the experiment file's `warehouse` object,
/// docs/warehouse.md): the dialect, the three tables and their column names, and the time zone
/// of timestamp columns that carry none.
///
/// The tables hold what the files hold, one row per cohort member, message event and behaviour
/// event, with the Holdout CSV column names as defaults:
/// - cohort: `user_id`, `entered_at` (a timestamp), `arm` (recorded; required in a warehouse,
///   see `holdout sql`), and one column per segment;
/// - messages: `user_id`, `event`, `timestamp`, `channel`, `message_id`;
/// - events: `user_id`, `event`, `timestamp`, `value` (a number), `event_id`.
public struct WarehouseDefinition: Sendable, Equatable {
  /// The SQL dialects `holdout sql` writes.
  public enum Dialect: String, Sendable, Equatable, CaseIterable {
    case duckdb
    case postgres
    case spark
    case clickhouse
    case bigquery
    case snowflake
  }

  /// The logical tables.
  public enum Role: String, Sendable, Equatable, CaseIterable {
    case cohort
    case messages
    case events

    /// The optional column giving the rows' order as the source delivered them (an integer: a
    /// line number, a sync's sequence column): the first tie-break of the de-duplication, so
    /// that the first copy of a key wins as in files. Read only when mapped.
    public static let rowOrder = "row_order"

    /// The optional date column a message or event table is partitioned by (`event_date`,
    /// the day of the row's timestamp in the table's zone): with `since`, the reads are bounded
    /// on it too, so that an engine skips whole partitions. Read only when mapped.
    public static let partitionDate = "partition_date"

    /// The logical columns a table may lack (mapped to `null` in `columns`): the table then has
    /// no channel, no de-duplication key or no value, as a file without that column.
    public var optionalColumns: [String] {
      switch self {
      case .cohort: return []
      case .messages: return ["channel", "message_id"]
      case .events: return ["value", "event_id"]
      }
    }

    /// The logical columns of the role's table, in the order the query reads them.
    public var columns: [String] {
      switch self {
      case .cohort: return ["user_id", "entered_at", "arm"]
      case .messages: return ["user_id", "event", "timestamp", "channel", "message_id"]
      case .events: return ["user_id", "event", "timestamp", "value", "event_id"]
      }
    }
  }

  /// One table: its (possibly qualified: `analytics.events`) name and column renames.
  public struct Table: Sendable, Equatable {
    /// The name parts, e.g. `["analytics", "events"]`; each is quoted on its own.
    public var name: [String]
    /// Logical column → the table's column, for the columns that differ from the defaults.
    public var columns: [String: String] = [:]
    /// Optional logical columns the table does not have (`Role.optionalColumns` mapped to `null`).
    public var absent: Set<String> = []

    /// Creates a table reference.
    public init(name: [String], columns: [String: String] = [:]) {
      self.name = name
      self.columns = columns
    }

    /// The table's column for a logical column (or segment name).
    public func column(_ logical: String) -> String { columns[logical] ?? logical }

    /// True when the table has the logical column (it is not mapped to `null`).
    public func has(_ logical: String) -> Bool { !absent.contains(logical) }
  }

  /// The dialect `holdout sql` uses when `--dialect` is not given.
  public var dialect: Dialect? = nil
  /// The cohort table.
  public var cohort = Table(name: ["cohort"])
  /// The message-events table, or nil when exposure is not measured.
  public var messages: Table? = Table(name: ["messages"])
  /// The behaviour-events table.
  public var events = Table(name: ["events"])
  /// No cohort member entered before this instant (microseconds since the epoch; the
  /// experiment file's `since`). With it, every message and event read is bounded in time, from
  /// `since` minus the longest look-back a metric needs to `as_of` (`warehouseReadBounds`),
  /// and the query counts cohort entries before it, which `report --aggregates` refuses.
  public var since: Int64? = nil
  /// The zone in which timestamp columns without a zone are read (`TIMESTAMP` rather than
  /// `TIMESTAMP WITH TIME ZONE`); UTC by default.
  public var timeZone = "UTC"

  /// The defaults: tables `cohort`, `messages`, `events` with Holdout's column names.
  public init() {}

  /// The table for a role (nil for messages when there are none).
  public func table(_ role: Role) -> Table? {
    switch role {
    case .cohort: return cohort
    case .messages: return messages
    case .events: return events
    }
  }
}

extension ExperimentDefinition {
  /// The instants between which the warehouse query reads message and event rows, when
  /// `warehouse.since` bounds it: from `since` minus the longest look-back any metric needs (its
  /// pre-period: the window's length before entry), less one day, to `asOf` plus one day
  /// (exclusive). The day on each side keeps the bounds a superset whatever zone an engine reads
  /// a zone-less column or literal in (offsets are at most 14 hours); rows inside the margin are
  /// read and counted by their fate as usual. Whole seconds, widened outward.
  public func warehouseReadBounds(asOf: Int64) -> (from: Int64, until: Int64)? {
    guard let since = warehouse.since else { return nil }
    let day = Timestamp.microsecondsPerDay, second: Int64 = 1_000_000
    let lookBack = metrics.map { max($0.windowLength, -$0.windowStart) }.max() ?? 0
    let from = since - lookBack - day
    let until = asOf + day
    func floorSecond(_ t: Int64) -> Int64 { t >= 0 ? t / second * second : -((-t + second - 1) / second) * second }
    return (floorSecond(from), -floorSecond(-until))
  }
}
