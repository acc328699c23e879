import Experiment
import Foundation
import Testing
import TestSupport
import WarehouseSQL

/// The SQL of each dialect for the winback fixture, against committed golden files
/// (`Tests/WarehouseSQLTests/Golden/winback.<dialect>.sql`). A change to the query shows as a line
/// diff; regenerate with `HOLDOUT_UPDATE_SNAPSHOTS=1 swift test --filter AggregateQueryGoldenTests`
/// and review the diff. `.ci/warehouse` runs the same scripts on DuckDB, PostgreSQL, Spark and
/// ClickHouse (chDB).
@Suite struct AggregateQueryGoldenTests {
  static let experiment = TestPaths.repository("fixtures/winback/experiment.json")

  @Test(arguments: WarehouseDefinition.Dialect.allCases)
  func eachDialectsScriptForTheWinbackFixtureMatchesItsGoldenFile(_ dialect: WarehouseDefinition.Dialect) throws {
    let experiment = try ExperimentFileDecoder.load(path: Self.experiment, for: .warehouse)
    let digest = try ExperimentDigest.of(path: Self.experiment)
    let script = try AggregateQuery(experiment: experiment, asOf: experiment.asOf!, dialect: dialect, digest: digest).script()
    try Self.expectGolden(script, "winback.\(dialect.rawValue).sql")
  }

  /// Compares `script` with the golden file `name` (`expectSnapshot`).
  static func expectGolden(_ script: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    expectSnapshot(script, path: "Tests/WarehouseSQLTests/Golden/" + name, sourceLocation: sourceLocation)
  }

  @Test func theWeeklyScriptAddsTheCutoffsAndMatchesItsGoldenFile() throws {
    let experiment = try ExperimentFileDecoder.load(path: Self.experiment, for: .warehouse)
    var query = try AggregateQuery(
      experiment: experiment, asOf: experiment.asOf!, dialect: .duckdb, digest: ExperimentDigest.of(path: Self.experiment))
    let plain = try query.script()
    query.weekly = true
    let script = try query.script()
    #expect(!plain.contains("h_cutoffs") && script.contains("h_cutoffs AS (") && script.contains("'weekly_metric' AS section"))
    try Self.expectGolden(script, "winback.duckdb.weekly.sql")
  }

  /// Each window a row can fall in is a bit of `w_k`, 62 to a column: 31 metrics make 64 terms
  /// (62 metric terms, the exposure and the return window), so the exposure is bit 0 of a second
  /// column, which every place that reads the bits must name. `.ci/warehouse`'s `many-metrics`
  /// case runs such a query on every engine against the file path.
  @Test func moreThan62WindowTermsSpillIntoASecondBitColumn() throws {
    let scratch = Scratch()
    let metrics = (0..<31).map { #"{"name": "m\#($0)", "kind": "\#($0 % 2 == 0 ? "conversion" : "revenue")", "event": "order", "window_days": \#(3 + $0 % 9)}"# }
    let path = scratch.write("experiment.json", """
      {"key": "k", "arms": [{"name": "a", "weight": 0.5, "control": true}, {"name": "b", "weight": 0.5}],
       "as_of": "2026-11-16T00:00:00Z", "exposure": ["sms_delivered"], "metrics": [\(metrics.joined(separator: ", "))]}
      """)
    let experiment = try ExperimentFileDecoder.load(path: path, for: .warehouse)
    let script = try AggregateQuery(experiment: experiment, asOf: experiment.asOf!, dialect: .duckdb, digest: "d").script()
    #expect(script.contains("BIT_OR(x.w_0) AS w_0") && script.contains("BIT_OR(x.w_1) AS w_1"))
    #expect(script.contains("WHEN w_0 <> 0 OR w_1 <> 0 THEN 0"))
    // Metric 30's pre-period is term 61, the last bit of w_0; the exposure is term 62, bit 0 of w_1.
    #expect(script.contains("THEN 2305843009213693952 ELSE 0 END"))
    #expect(script.contains("MIN(CASE WHEN (x.w_1 & 1) <> 0 THEN x.ts END) AS first_exposure"))
    #expect(!script.contains("w_2"))
  }

  @Test func aMappedRowOrderIsTheFirstTieBreakOfEveryDeduplication() throws {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", """
      {"key": "k", "arms": [{"name": "a", "weight": 0.5, "control": true}, {"name": "b", "weight": 0.5}],
       "as_of": "2026-11-16T00:00:00Z", "exposure": ["sms_delivered"],
       "metrics": [{"name": "m", "kind": "conversion", "event": "order", "window_days": 7}],
       "warehouse": {"tables": {"cohort": {"name": "c", "columns": {"row_order": "seq"}},
                                "events": {"name": "e", "columns": {"row_order": "_sdc_sequence"}}}}}
      """)
    let experiment = try ExperimentFileDecoder.load(path: path, for: .warehouse)
    let script = try AggregateQuery(experiment: experiment, asOf: experiment.asOf!, dialect: .postgres, digest: "d").script()
    #expect(script.contains("PARTITION BY valid, user_id ORDER BY ord NULLS LAST, t0"))
    #expect(script.contains("PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ord NULLS LAST, ts"))
    #expect(script.contains("CAST(\"seq\" AS BIGINT) AS ord"))
    #expect(script.contains("CAST(\"_sdc_sequence\" AS BIGINT) AS ord"))
    // The messages table maps none: NULL there, so both halves of the UNION have the column.
    #expect(script.contains("CAST(NULL AS BIGINT) AS ord"))
    let plain = try AggregateQuery(
      experiment: ExperimentFileDecoder.load(path: Self.experiment, for: .warehouse), asOf: 0, dialect: .postgres, digest: "d"
    ).script()
    #expect(!plain.contains(" AS ord"))
  }

  /// An experiment with every construct ClickHouse's defaults part from SQL on: percentile caps
  /// (an alias beside a column of the same name), a count metric beside a revenue metric (unsigned
  /// and signed sums in one CASE), row order, the weekly history (a joined cap table's `cutoff`).
  static let everyConstruct = """
    {"key": "k", "arms": [{"name": "a", "weight": 0.5, "control": true}, {"name": "b", "weight": 0.5}],
     "as_of": "2026-11-16T00:00:00Z", "exposure": ["sms_delivered"],
     "metrics": [{"name": "orders", "kind": "count", "event": "order", "window_days": 30},
                 {"name": "revenue", "kind": "revenue", "event": "order", "window_days": 30, "cap_percentile": 0.95},
                 {"name": "converted", "kind": "conversion", "event": "order", "window_days": 7},
                 {"name": "revenue_14d", "kind": "revenue", "event": "order", "window_days": 14, "cap": 50}],
     "segments": ["tier"], "costs": {"sms": 0.01}, "analysis": {"return_events": ["order"]},
     "warehouse": {"time_zone": "Europe/Rome", "tables": {"events": {"name": "e", "columns": {"row_order": "seq"}}}}}
    """

  @Test func theClickHouseScriptNeedsNoSessionSettingAndKeepsSQLsNulls() throws {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", Self.everyConstruct)
    let experiment = try ExperimentFileDecoder.load(path: path, for: .warehouse)
    var query = try AggregateQuery(experiment: experiment, asOf: experiment.asOf!, dialect: .clickhouse, digest: "d")
    query.weekly = true
    let script = try query.script()
    func count(_ text: String) -> Int { script.components(separatedBy: text).count - 1 }
    // No SET: what each statement needs it says itself, to that statement only (the temporary
    // tables, two statements each, then the query).
    let statements = try SQLLexer(dialect: .clickhouse).tokens(script).filter { $0 == .semicolon }.count
    let staged = try query.stagedTables()
    #expect(!staged.isEmpty && staged.contains("h_activity") && !staged.contains("h_deduped"))
    #expect(SQLSyntax(.clickhouse).preamble.isEmpty && statements == 1 + 2 * staged.count && count("SET ") == 0)
    #expect(count("SETTINGS join_use_nulls = 1, prefer_column_name_to_alias = 1;") == 1 + staged.count)
    #expect(script.hasSuffix(")\nORDER BY 1, 2, 3, 4, 5, 6\nSETTINGS join_use_nulls = 1, prefer_column_name_to_alias = 1;\n"))
    #expect(count("\nSELECT * FROM (\n") == 1)
    // Every cast keeps NULL (ClickHouse's default cast_keep_nullable = 0 refuses NULL otherwise).
    #expect(count("CAST(") > 50 && count("CAST(") == count(" AS Nullable("))
    // first_value skips NULLs unless told to respect them.
    // (the cohort's first arm, and user, event, time and value per keyed table: 1 + 2 × 4).
    #expect(count("FIRST_VALUE(") == 9 && count("FIRST_VALUE(") == count(") RESPECT NULLS OVER ("))
    // Count and conversion increments are signed, so a count metric's sum meets a revenue sum.
    #expect(count("THEN toInt64(1000000) ELSE 0 END") == 4 && count("THEN 1000000 ELSE") == 0)
    #expect(script.contains("toUnixTimestamp64Micro(toDateTime64(toString(`timestamp`), 6, 'Europe/Rome'))"))
    #expect(script.contains("SELECT w.cutoff AS cutoff, w.arm"))
    // Other dialects are untouched by all of it.
    for dialect in WarehouseDefinition.Dialect.allCases where dialect != .clickhouse {
      var other = try AggregateQuery(experiment: experiment, asOf: experiment.asOf!, dialect: dialect, digest: "d")
      other.weekly = true
      let text = try other.script()
      #expect(!text.contains("Nullable") && !text.contains("RESPECT NULLS") && !text.contains("SETTINGS") && !text.contains("toInt64"), "\(dialect)")
      #expect(text.hasSuffix("\nORDER BY 1, 2, 3, 4, 5, 6;\n") && text.contains("THEN 1000000 ELSE 0 END"), "\(dialect)")
    }
  }

  @Test func theDigestNamesTheExperimentFilesBytes() throws {
    #expect(ExperimentDigest.of(Array("".utf8)) == "fnv1a64:cbf29ce484222325")
    // FNV-1a 64 of "a" (reference value from the FNV specification's test suite).
    #expect(ExperimentDigest.of(Array("a".utf8)) == "fnv1a64:af63dc4c8601ec8c")
    #expect(ExperimentDigest.of(Array("foobar".utf8)) == "fnv1a64:85944171f73967e8")
    let script = try AggregateQuery(
      experiment: ExperimentFileDecoder.load(path: Self.experiment, for: .warehouse), asOf: 0, dialect: .duckdb,
      digest: ExperimentDigest.of(path: Self.experiment)
    ).script()
    #expect(script.contains("'\(try ExperimentDigest.of(path: Self.experiment))' AS value"))
  }

  @Test func aKeyColumnMappedToNullMeansNoDeduplicationAndNoWindowForThatTable() throws {
    let scratch = Scratch()
    func experiment(_ columns: String) -> String {
      """
      {"key": "k", "arms": [{"name": "a", "weight": 0.5, "control": true}, {"name": "b", "weight": 0.5}],
       "as_of": "2026-11-16T00:00:00Z", "exposure": ["sms_delivered"],
       "metrics": [{"name": "m", "kind": "revenue", "event": "order", "window_days": 7}],
       "warehouse": {"tables": {"messages": {"name": "m", "columns": {"message_id": null}},
                                "events": {"name": "e", "columns": \(columns)}}}}
      """
    }
    let path = scratch.write("experiment.json", experiment(#"{"event_id": null, "value": null}"#))
    let loaded = try ExperimentFileDecoder.load(path: path, for: .warehouse)
    #expect(loaded.warehouse.table(.events)?.absent == ["event_id", "value"])
    let script = try AggregateQuery(experiment: loaded, asOf: loaded.asOf!, dialect: .duckdb, digest: "d").script()
    // Neither table is deduplicated: no window over the rows, every row is copy 1.
    #expect(!script.contains("ROW_NUMBER() OVER (PARTITION BY reject"))
    #expect(script.components(separatedBy: "1 AS copy, 0 AS conflicting").count == 3)
    #expect(!script.contains("\"event_id\"") && !script.contains("\"message_id\"") && !script.contains("\"value\""))
    // Only the optional columns may be null.
    let bad = scratch.write("bad.json", experiment(#"{"timestamp": null}"#))
    #expect(throws: (any Error).self) { try ExperimentFileDecoder.load(path: bad, for: .warehouse) }
    do {
      _ = try ExperimentFileDecoder.load(path: bad, for: .warehouse)
    } catch {
      #expect("\(error)".contains("only value, event_id may be null"))
    }
  }
}
