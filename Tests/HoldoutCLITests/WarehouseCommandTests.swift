import Testing
import TestSupport

/// `holdout sql` and `report --aggregates` at the command line: outputs, usage errors (64),
/// experiments a warehouse query cannot measure and corrupt aggregates (65).
@Suite struct WarehouseCommandTests {
  static let winback = TestPaths.repository("fixtures/winback/experiment.json")

  @Test func sqlPrintsOneScriptPerDialectAndNeedsADialect() {
    for dialect in ["duckdb", "postgres", "spark", "clickhouse", "bigquery", "snowflake"] {
      let run = CapturedRun(["sql", Self.winback, "--dialect", dialect])
      #expect(run.status == 0, "\(dialect): \(run.err)")
      #expect(run.out.contains("dialect \(dialect).") && run.out.contains("UNION ALL") && run.out.hasSuffix(";\n"))
    }
    let none = CapturedRun(["sql", Self.winback])
    #expect(none.status == 64 && none.err.contains("sql needs --dialect"))
    let unknown = CapturedRun(["sql", Self.winback, "--dialect", "oracle"])
    #expect(unknown.status == 64 && unknown.err.contains("--dialect must be one of duckdb, postgres"))
    let help = CapturedRun(["sql", "--help"])
    #expect(help.status == 0 && help.out.contains("--aggregates FILE"))
  }

  @Test func anExperimentWithAnIdentitiesFileIsRefusedWithWhatToDoInstead() {
    let run = CapturedRun(["sql", TestPaths.repository("fixtures/cart-recovery/experiment.json"), "--dialect", "duckdb"])
    #expect(run.status == 65)
    #expect(run.err.contains("'inputs.identities': identity resolution is not done in the warehouse"))
  }

  @Test func theWarehouseObjectIsCheckedWhereItIsWritten() {
    let scratch = Scratch()
    let bad = scratch.write("experiment.json", """
      {"key": "k", "arms": [{"name": "a", "weight": 0.5, "control": true}, {"name": "b", "weight": 0.5}],
       "as_of": "2026-11-16", "metrics": [{"name": "m", "kind": "conversion", "event": "order", "window_days": 7}],
       "warehouse": {"dialect": "duckdb", "tables": {"events": {"name": "e", "columns": {"ts": "t"}}}}}
      """)
    let run = CapturedRun(["sql", bad])
    #expect(run.status == 65)
    #expect(run.err.contains("warehouse.tables.events.columns.ts': is not a column of the events table; its columns are user_id, event, timestamp, value, event_id"))
    let dialect = scratch.write("d.json", """
      {"key": "k", "arms": [{"name": "a", "weight": 0.5, "control": true}, {"name": "b", "weight": 0.5}], "metrics": [{"name": "m", "kind": "conversion", "event": "o", "window_days": 7}],
       "warehouse": {"dialect": "oracle"}}
      """)
    #expect(CapturedRun(["sql", dialect, "--as-of", "2026-11-16"]).err.contains("'warehouse.dialect': must be one of duckdb"))
  }

  @Test func aValidFileRendersTheReportAndTheHistoryNeedsTheWeeklyQuery() throws {
    let tiny = try TinyAggregates.Fixture()
    let aggregates = tiny.write(tiny.rows())
    let run = CapturedRun(["report", tiny.experimentPath, "--aggregates", aggregates, "--format", "md"])
    #expect(run.status == 0, "\(run.err)")
    #expect(run.out.contains("computed in the warehouse (duckdb query"))
    let check = CapturedRun(["report", tiny.experimentPath, "--aggregates", aggregates, "--out", tiny.scratch.path + "/r"])
    #expect(check.status == 0)
    #expect(CapturedRun(["report", tiny.experimentPath, "--aggregates", aggregates, "--out", tiny.scratch.path + "/r", "--check"]).status == 0)
    let weekly = CapturedRun(["report", tiny.experimentPath, "--aggregates", aggregates, "--weekly"])
    #expect(weekly.status == 65)
    #expect(weekly.err.contains("the history needs 2 weekly cutoffs") && weekly.err.contains("write the query with holdout sql --weekly"), "\(weekly.err)")
    let otherAsOf = CapturedRun(["report", tiny.experimentPath, "--aggregates", aggregates, "--as-of", "2026-11-01"])
    #expect(otherAsOf.status == 64 && otherAsOf.err.contains("differs from the aggregates' as_of"))
  }

  @Test func reportWithAggregatesRefusesACorruptFileAndTheWeeklyHistory() {
    let scratch = Scratch()
    let broken = scratch.write("aggregates.csv", "section,arm\nmeta,x\n")
    let run = CapturedRun(["report", Self.winback, "--aggregates", broken])
    #expect(run.status == 65)
    #expect(run.err.hasPrefix("error: aggregates.csv:1: the header is not the aggregates header of holdout-aggregates/1"))
    let weekly = CapturedRun(["report", Self.winback, "--aggregates", broken, "--weekly"])
    #expect(weekly.status == 65 && weekly.err.contains("aggregates.csv:1:"))
    let missing = CapturedRun(["report", Self.winback, "--aggregates", scratch.path + "/none.csv"])
    #expect(missing.status == 66)
  }
}
