import Experiment
import Foundation
import Testing
import TestSupport
import WarehouseSQL

/// The SQL of each dialect for the winback fixture, against committed golden files
/// (`Tests/WarehouseTests/Golden/winback.<dialect>.sql`). A change to the query shows as a line
/// diff; regenerate with `HOLDOUT_UPDATE_GOLDEN=1 swift test --filter AggregateQueryGoldenTests`
/// and review the diff. `.ci/warehouse` runs the same scripts on DuckDB, PostgreSQL and Spark.
@Suite struct AggregateQueryGoldenTests {
  static let experiment = TestPaths.repository("fixtures/winback/experiment.json")

  @Test(arguments: WarehouseDefinition.Dialect.allCases)
  func eachDialectsScriptForTheWinbackFixtureMatchesItsGoldenFile(_ dialect: WarehouseDefinition.Dialect) throws {
    let experiment = try ExperimentFileDecoder.load(path: Self.experiment, for: .warehouse)
    let digest = try ExperimentDigest.of(path: Self.experiment)
    let script = try AggregateQuery(experiment: experiment, asOf: experiment.asOf!, dialect: dialect, digest: digest).script()
    let golden = TestPaths.repository("Tests/WarehouseTests/Golden/winback.\(dialect.rawValue).sql")
    if Environment.update {
      try Scratch.writeFile(golden, script)
      return
    }
    let expected = try #require(Scratch.readFile(golden), "missing \(golden); run with HOLDOUT_UPDATE_GOLDEN=1")
    expectSameText(script, expected, "winback.\(dialect.rawValue).sql")
  }

  @Test func theWeeklyScriptAddsTheCutoffsAndMatchesItsGoldenFile() throws {
    let experiment = try ExperimentFileDecoder.load(path: Self.experiment, for: .warehouse)
    var query = try AggregateQuery(
      experiment: experiment, asOf: experiment.asOf!, dialect: .duckdb, digest: ExperimentDigest.of(path: Self.experiment))
    let plain = try query.script()
    query.weekly = true
    let script = try query.script()
    #expect(!plain.contains("h_cutoffs") && script.contains("h_cutoffs AS (") && script.contains("'weekly_metric' AS section"))
    let golden = TestPaths.repository("Tests/WarehouseTests/Golden/winback.duckdb.weekly.sql")
    if Environment.update {
      try Scratch.writeFile(golden, script)
      return
    }
    let expected = try #require(Scratch.readFile(golden), "missing \(golden); run with HOLDOUT_UPDATE_GOLDEN=1")
    expectSameText(script, expected, "winback.duckdb.weekly.sql")
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
}

enum Environment {
  static var update: Bool { ProcessInfo.processInfo.environment["HOLDOUT_UPDATE_GOLDEN"] == "1" }
}
