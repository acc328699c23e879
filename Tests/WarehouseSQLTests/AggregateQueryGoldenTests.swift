import Experiment
import Foundation
import Testing
import TestSupport
import WarehouseSQL

/// The SQL of each dialect for the winback fixture, against committed golden files
/// (`Tests/WarehouseSQLTests/Golden/winback.<dialect>.sql`). A change to the query shows as a line
/// diff; regenerate with `HOLDOUT_UPDATE_SNAPSHOTS=1 swift test --filter AggregateQueryGoldenTests`
/// and review the diff. `.ci/warehouse` runs the same scripts on DuckDB, PostgreSQL and Spark.
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
