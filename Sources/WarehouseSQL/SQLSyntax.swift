import Experiment

/// How one SQL dialect spells what the aggregate query needs: quoted identifiers, string
/// literals, casts, epoch microseconds of a timestamp, string search, and the query's end
/// (on ClickHouse, the settings that give it standard SQL's meaning: `finalQuery`).
///
/// Every name and value that comes from the experiment file reaches the SQL through
/// `identifier` or `literal`, never spliced raw: an identifier is wrapped in the dialect's
/// quote with that quote doubled inside; a literal in single quotes with the quote (and, where
/// the dialect treats it as an escape, the backslash) escaped, and line breaks written as
/// escapes. What a dialect cannot quote safely (a backtick or backslash in a BigQuery or
/// ClickHouse identifier, a NUL anywhere) is refused when the query is built.
public struct SQLSyntax: Sendable {
  /// The dialect.
  public let dialect: WarehouseDefinition.Dialect

  /// Syntax for `dialect`.
  public init(_ dialect: WarehouseDefinition.Dialect) { self.dialect = dialect }

  /// True for dialects whose string literals treat `\` as an escape character.
  private var backslashEscapes: Bool {
    switch dialect {
    case .duckdb, .postgres: return false
    case .spark, .clickhouse, .bigquery, .snowflake: return true
    }
  }

  /// `name` as a quoted identifier. Throws for a name the dialect cannot hold.
  public func identifier(_ name: String) throws(WarehouseError) -> String {
    guard !name.isEmpty, !name.utf8.contains(0) else { throw .unquotable(name: name, dialect: dialect, reason: "it is empty or holds a NUL byte") }
    switch dialect {
    case .duckdb, .postgres, .snowflake:
      return "\"" + name.doubling("\"") + "\""
    case .spark:
      return "`" + name.doubling("`") + "`"
    case .bigquery, .clickhouse:
      guard !name.unicodeScalars.contains(where: { $0 == "`" || $0 == "\\" }) else {
        throw .unquotable(name: name, dialect: dialect, reason: "a backtick or backslash cannot be quoted safely in \(dialect.rawValue) identifiers")
      }
      return "`" + name + "`"
    }
  }

  /// A qualified name (`schema.table`), each part quoted.
  public func qualified(_ parts: [String]) throws(WarehouseError) -> String {
    var quoted: [String] = []
    for part in parts { quoted.append(try identifier(part)) }
    return quoted.joined(separator: ".")
  }

  /// `value` as a string literal.
  public func literal(_ value: String) throws(WarehouseError) -> String {
    guard !value.utf8.contains(0) else { throw .unquotable(name: value, dialect: dialect, reason: "a NUL byte cannot be held in a SQL string") }
    var out = "'"
    for scalar in value.unicodeScalars {
      switch scalar {
      case "'": out += backslashEscapes ? "\\'" : "''"
      case "\\": out += backslashEscapes ? "\\\\" : "\\"
      case "\n": out += backslashEscapes ? "\\n" : "\n"
      case "\r": out += backslashEscapes ? "\\r" : "\r"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "'"
  }

  /// A list of literals for `IN (…)`.
  public func literals(_ values: [String]) throws(WarehouseError) -> String {
    var out: [String] = []
    for value in values { out.append(try literal(value)) }
    return out.joined(separator: ", ")
  }

  /// The type name of a 64-bit integer.
  public var bigint: String {
    switch dialect {
    case .clickhouse: return "Int64"
    case .bigquery: return "INT64"
    default: return "BIGINT"
    }
  }

  /// An exact integer type wide enough for sums of squares of micro-units (≥ 38 digits).
  public var wide: String {
    switch dialect {
    case .duckdb: return "HUGEINT"
    case .postgres: return "NUMERIC"
    case .spark: return "DECIMAL(38,0)"
    case .clickhouse: return "Int128"
    case .bigquery: return "BIGNUMERIC"
    case .snowflake: return "NUMBER(38,0)"
    }
  }

  /// The type name of a binary64 floating-point number.
  public var double: String {
    switch dialect {
    case .postgres: return "DOUBLE PRECISION"
    case .clickhouse: return "Float64"
    case .bigquery: return "FLOAT64"
    default: return "DOUBLE"
    }
  }

  /// The type name of text.
  public var text: String {
    switch dialect {
    case .postgres: return "TEXT"
    case .spark, .bigquery: return "STRING"
    case .clickhouse: return "String"
    case .duckdb, .snowflake: return "VARCHAR"
    }
  }

  /// `CAST(expression AS type)`; on ClickHouse `CAST(expression AS Nullable(type))`.
  ///
  /// ClickHouse keeps NULL through a cast only to a `Nullable` type: under its default settings
  /// (`cast_keep_nullable = 0`) `CAST(NULL AS Int64)`, or a cast of a `Nullable` column holding a
  /// NULL, fails with "Cannot convert NULL to a non-nullable type". Every cast here may see a
  /// NULL (an empty cell, a LEFT JOIN's non-match, a typed `NULL`), and SQL's cast keeps it.
  public func cast(_ expression: String, _ type: String) -> String {
    dialect == .clickhouse ? "CAST(\(expression) AS Nullable(\(type)))" : "CAST(\(expression) AS \(type))"
  }

  /// An integer literal typed as a signed 64-bit integer where the dialect would not: ClickHouse
  /// types a literal as the smallest unsigned type that holds it and sums unsigned values as
  /// `UInt64`, which has no common type with `Int64` (a count metric's per-user sum of 10⁶ beside
  /// a revenue metric's sum of values, in one `CASE`, failed with "There is no supertype").
  public func signed(_ literal: Int64) -> String {
    dialect == .clickhouse ? "toInt64(\(literal))" : String(literal)
  }

  /// `FIRST_VALUE(expression)`, to be followed by `OVER (…)`: the first row's value, NULL
  /// included. ClickHouse's `first_value` skips NULLs (the first non-NULL value) unless told
  /// `RESPECT NULLS`; SQL's keeps them, and the de-duplication compares a copy's value with the
  /// first copy's, NULL or not.
  public func firstValue(_ expression: String) -> String {
    dialect == .clickhouse ? "FIRST_VALUE(\(expression)) RESPECT NULLS" : "FIRST_VALUE(\(expression))"
  }

  /// Microseconds since the epoch of a timestamp column, read in `zone` when the column has no
  /// zone of its own (UTC leaves the value as the engine holds it).
  public func epochMicros(_ column: String, zone: String) throws(WarehouseError) -> String {
    if zone == "UTC" {
      switch dialect {
      case .duckdb: return "epoch_us(\(column))"
      case .postgres: return "CAST(EXTRACT(EPOCH FROM \(column)) * 1000000 AS BIGINT)"
      case .spark: return "unix_micros(\(column))"
      // toUnixTimestamp64Micro takes DateTime64 only: a second-precision DateTime column too.
      case .clickhouse: return "toUnixTimestamp64Micro(toDateTime64(\(column), 6))"
      case .bigquery: return "UNIX_MICROS(\(column))"
      case .snowflake: return "DATE_PART(EPOCH_MICROSECOND, \(column))"
      }
    }
    let name = try literal(zone)
    switch dialect {
    case .duckdb: return "epoch_us(timezone(\(name), CAST(\(column) AS TIMESTAMP)))"
    case .postgres: return "CAST(EXTRACT(EPOCH FROM (CAST(\(column) AS TIMESTAMP) AT TIME ZONE \(name))) * 1000000 AS BIGINT)"
    case .spark: return "unix_micros(to_utc_timestamp(\(column), \(name)))"
    case .clickhouse: return "toUnixTimestamp64Micro(toDateTime64(toString(\(column)), 6, \(name)))"
    case .bigquery: return "UNIX_MICROS(TIMESTAMP(CAST(\(column) AS DATETIME), \(name)))"
    case .snowflake: return "DATE_PART(EPOCH_MICROSECOND, CONVERT_TIMEZONE(\(name), 'UTC', CAST(\(column) AS TIMESTAMP_NTZ)))"
    }
  }

  /// The 1-based position of `needle` in `haystack`, 0 when absent.
  public func position(of needle: String, in haystack: String) -> String {
    switch dialect {
    case .duckdb, .postgres, .bigquery: return "STRPOS(\(haystack), \(needle))"
    case .spark: return "INSTR(\(haystack), \(needle))"
    case .clickhouse: return "position(\(haystack), \(needle))"
    case .snowflake: return "POSITION(\(needle), \(haystack))"
    }
  }

  /// `a` modulo `b` (non-negative operands).
  public func mod(_ a: String, _ b: String) -> String {
    dialect == .clickhouse ? "modulo(\(a), \(b))" : "MOD(\(a), \(b))"
  }

  /// The bitwise AND of two integers.
  public func bitAnd(_ a: String, _ b: String) -> String {
    switch dialect {
    case .clickhouse: return "bitAnd(\(a), \(b))"
    case .snowflake: return "BITAND(\(a), \(b))"
    case .duckdb, .postgres, .spark, .bigquery: return "(\(a) & \(b))"
    }
  }

  /// The aggregate bitwise OR of an integer column (NULLs skipped).
  public func bitOrAggregate(_ expression: String) -> String {
    switch dialect {
    case .clickhouse: return "groupBitOr(\(expression))"
    case .snowflake: return "BITOR_AGG(\(expression))"
    case .duckdb, .postgres, .spark, .bigquery: return "BIT_OR(\(expression))"
    }
  }

  /// The first `length` characters of `text`.
  public func prefix(_ text: String, _ length: String) -> String {
    dialect == .clickhouse ? "substring(\(text), 1, \(length))" : "SUBSTR(\(text), 1, \(length))"
  }

  /// True when the engine computes a common table expression read more than once only once
  /// (DuckDB, PostgreSQL 12+), so one statement reads each raw table once.
  public var keepsCommonTables: Bool { dialect == .duckdb || dialect == .postgres }

  /// The statements that make `name` a table of `query`'s rows for the rest of the script,
  /// replacing one of an earlier run: BigQuery and Snowflake create a temporary table, ClickHouse
  /// one in memory, Spark a Parquet table in the current database (Spark has no temporary
  /// table; a cached view, `CACHE TABLE … AS`, was tried: Spark 4.1 stops substituting the
  /// cache where one view is read by several branches of a UNION, and the query read the raw
  /// tables again, 9 times each on the winback fixture).
  public func stage(_ name: String, _ query: String) -> [String] {
    switch dialect {
    case .spark: return ["DROP TABLE IF EXISTS \(name);", "CREATE TABLE \(name) USING parquet AS\n\(query);"]
    case .bigquery: return ["CREATE OR REPLACE TEMP TABLE \(name) AS\n\(query);"]
    case .snowflake: return ["CREATE OR REPLACE TEMPORARY TABLE \(name) AS\n\(query);"]
    case .clickhouse:
      return ["DROP TEMPORARY TABLE IF EXISTS \(name);", "CREATE TEMPORARY TABLE \(name) ENGINE = Memory AS\n\(query)\n\(Self.clickhouseSettings);"]
    case .duckdb, .postgres: return ["CREATE TEMPORARY TABLE \(name) AS\n\(query);"]
    }
  }

  /// `text` padded on the left with `fill` to `length` characters.
  public func leftPad(_ text: String, _ length: Int, _ fill: String) -> String {
    dialect == .clickhouse ? "leftPad(\(text), \(length), '\(fill)')" : "LPAD(\(text), \(length), '\(fill)')"
  }

  /// The part of `text` from 1-based position `start`, `length` characters or to the end.
  public func substring(_ text: String, _ start: Int, _ length: Int? = nil) -> String {
    let function = dialect == .clickhouse ? "substring" : "SUBSTR"
    return "\(function)(\(text), \(start)\(length.map { ", \($0)" } ?? ""))"
  }

  /// `expression` compared byte by byte (Holdout orders names by their UTF-8 bytes).
  public func bytewise(_ expression: String) -> String {
    switch dialect {
    case .postgres: return "\(expression) COLLATE \"C\""
    case .snowflake: return "COLLATE(\(expression), '')"
    default: return expression
    }
  }

  /// Statements that must precede the query: PostgreSQL has no row estimates for common table
  /// expressions and picks nested loops over them (the winback fixture: 349 s with them, 4.6 s
  /// without), so they are turned off for the session. Turning them off adds PostgreSQL's
  /// "disabled" cost (10¹⁰) to the plan's estimate, far past the thresholds at which it compiles
  /// the query's expressions with LLVM, inlined and optimised: on the small bench set that
  /// compilation took 6.2 s of a 14.7 s query, so JIT is turned off for the session too.
  /// ClickHouse needs none: what it needs is said by the query itself (`finalQuery`).
  public var preamble: [String] {
    switch dialect {
    case .postgres: return ["SET enable_nestloop = off;", "SET jit = off;"]
    default: return []
    }
  }

  /// Written at the end of a subquery in `FROM` whose computed columns the query above reads
  /// several times: PostgreSQL pulls a plain subquery up into its parent and then evaluates each
  /// reference to a computed column as the whole expression again (the event code's `CASE`
  /// fifteen times a row), and `OFFSET 0` keeps the subquery a step of its own, computed once
  /// per row (the small bench set: 15.1 s → 8.0 s). The other engines compute a subquery's
  /// columns once already.
  public var fence: String { dialect == .postgres ? "\n  OFFSET 0" : "" }

  /// The script's last statement: `union` (the output sections joined by `UNION ALL`) ordered by
  /// the six key columns.
  ///
  /// On ClickHouse three defaults part from standard SQL, and the query is written to standard SQL:
  /// - a trailing `ORDER BY` orders only the last SELECT of a union: the union is wrapped in
  ///   `SELECT * FROM (…)`;
  /// - a LEFT JOIN fills non-matches with the column type's default (0, '') rather than NULL
  ///   unless `join_use_nulls = 1`, while the query counts and compares non-matches as NULLs (an
  ///   arm without users, a user without rows, a week without a cap);
  /// - an alias is visible in its own SELECT and wins over a column of the same name unless
  ///   `prefer_column_name_to_alias = 1`: `'revenue_rows_without_value' AS value` made the
  ///   finding's `value IS NULL` test the literal (always 0), and `MAX(lo) AS lo` beside
  ///   `MAX(CASE WHEN k = lo …)` made every percentile cap an error (aggregate in aggregate).
  /// The two settings are given by each statement's own `SETTINGS` clause (this query's, and each
  /// temporary table's, `stage`), which reaches every CTE, subquery and branch and leaves the
  /// session as it was; the session's and the server's values of the two settings do not matter.
  public func finalQuery(_ union: String) -> String {
    let order = "ORDER BY 1, 2, 3, 4, 5, 6"
    guard dialect == .clickhouse else { return union + "\n" + order + ";" }
    return "SELECT * FROM (\n" + union + "\n)\n" + order + "\n" + Self.clickhouseSettings + ";"
  }

  /// The settings every ClickHouse statement of the script gives itself (`finalQuery`).
  static let clickhouseSettings = "SETTINGS join_use_nulls = 1, prefer_column_name_to_alias = 1"
}

extension String {
  /// Every occurrence of the scalar `quote` doubled. By Unicode scalars, not characters: a quote
  /// followed by a combining mark is one `Character` to Swift but still a quote to a SQL lexer.
  func doubling(_ quote: Unicode.Scalar) -> String {
    var out = String.UnicodeScalarView()
    for scalar in unicodeScalars {
      out.append(scalar)
      if scalar == quote { out.append(scalar) }
    }
    return String(out)
  }
}
