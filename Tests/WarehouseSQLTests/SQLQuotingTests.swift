import Experiment
import Testing
import TestSupport
import WarehouseSQL

/// Identifiers and literals from the experiment file never escape their quotes: checked on the
/// quoting functions and, end to end, by lexing whole scripts of a hostile experiment file the
/// way each dialect's parser does.
@Suite struct SQLQuotingTests {
  @Test func identifiersAreQuotedWithTheirQuoteDoubled() throws {
    #expect(try SQLSyntax(.duckdb).identifier("order") == "\"order\"")
    #expect(try SQLSyntax(.postgres).identifier("my column") == "\"my column\"")
    #expect(try SQLSyntax(.snowflake).identifier("a\"b") == "\"a\"\"b\"")
    #expect(try SQLSyntax(.spark).identifier("order") == "`order`")
    #expect(try SQLSyntax(.spark).identifier("a`b") == "`a``b`")
    #expect(try SQLSyntax(.bigquery).identifier("my column") == "`my column`")
    #expect(try SQLSyntax(.duckdb).qualified(["analytics", "events"]) == "\"analytics\".\"events\"")
  }

  @Test func aQuoteFollowedByACombiningMarkIsStillDoubled() throws {
    // "\u{301}" makes `"́` one Character; a SQL lexer still sees the quote.
    #expect(try SQLSyntax(.duckdb).identifier("a\"\u{301}b").unicodeScalars.filter { $0 == "\"" }.count == 4)
    #expect(try SQLSyntax(.spark).identifier("a`\u{301}b").unicodeScalars.filter { $0 == "`" }.count == 4)
    #expect(try SQLSyntax(.duckdb).literal("a'\u{301}b").unicodeScalars.filter { $0 == "'" }.count == 4)
    #expect(throws: WarehouseError.self) { try SQLSyntax(.bigquery).identifier("a`\u{301}b") }
  }

  @Test func whatADialectCannotQuoteIsRefused() {
    #expect(throws: WarehouseError.self) { try SQLSyntax(.bigquery).identifier("a`b") }
    #expect(throws: WarehouseError.self) { try SQLSyntax(.clickhouse).identifier("a\\b") }
    #expect(throws: WarehouseError.self) { try SQLSyntax(.duckdb).identifier("") }
    #expect(throws: WarehouseError.self) { try SQLSyntax(.postgres).literal("a\u{0}b") }
  }

  @Test func literalsEscapeQuotesBackslashesAndLineBreaksAsTheDialectReadsThem() throws {
    #expect(try SQLSyntax(.duckdb).literal("it's") == "'it''s'")
    #expect(try SQLSyntax(.postgres).literal("a\\b") == "'a\\b'")
    #expect(try SQLSyntax(.spark).literal("it's") == "'it\\'s'")
    #expect(try SQLSyntax(.spark).literal("a\\b") == "'a\\\\b'")
    #expect(try SQLSyntax(.bigquery).literal("a\nb") == "'a\\nb'")
    #expect(try SQLSyntax(.snowflake).literal("x'; DROP TABLE t; --") == "'x\\'; DROP TABLE t; --'")
  }

  /// An experiment whose table, column, event, segment and channel names carry quotes,
  /// backslashes, semicolons and comment markers.
  static let hostile = """
    {"key": "hostile", "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "b'; --", "weight": 0.5}],
     "as_of": "2026-11-16T00:00:00Z",
     "exposure": ["sms'); DROP TABLE events; --"],
     "metrics": [{"name": "m", "kind": "conversion", "events": ["o'rder", "a\\\\'b", "c/*d", "e--f"], "window_days": 7},
                 {"name": "r", "kind": "revenue", "event": "ord\\"er", "window_days": 7, "cap_percentile": 0.9}],
     "segments": ["seg\\"; --"],
     "costs": {"sms'--": 0.01},
     "warehouse": {"tables": {"cohort": "we\\"ird.co`hort", "messages": {"name": "msgs", "columns": {"event": "ev\\"ent; --", "user_id": "user id"}},
                   "events": "events"}}}
    """

  static let hostileStrings = [
    "b'; --", "sms'); DROP TABLE events; --", "o'rder", "a\\'b", "c/*d", "e--f", "ord\"er", "sms'--",
  ]

  @Test(arguments: [WarehouseDefinition.Dialect.duckdb, .postgres, .spark, .snowflake, .clickhouse])
  func hostileNamesStayInsideTheirLiteralsAndIdentifiers(_ dialect: WarehouseDefinition.Dialect) throws {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", Self.hostile)
    let experiment = try ExperimentFileDecoder.load(path: path, for: .warehouse)
    let script: String
    do {
      script = try AggregateQuery(experiment: experiment, asOf: experiment.asOf!, dialect: dialect, digest: "d").script()
    } catch {
      // ClickHouse cannot quote the backtick in the cohort table's name: refused, not spliced.
      #expect(dialect == .clickhouse, "\(dialect): \(error)")
      return
    }
    let tokens = try SQLLexer(dialect: dialect).tokens(script)
    let statements = tokens.filter { $0 == .semicolon }.count
    let query = try AggregateQuery(experiment: experiment, asOf: experiment.asOf!, dialect: dialect, digest: "d")
    let staging = try query.stagedTables().count * SQLSyntax(dialect).stage("t", "SELECT 1").count
    #expect(
      statements == 1 + SQLSyntax(dialect).preamble.count + staging,
      "\(dialect): one query (its preamble and temporary tables), no injected statement")
    let comments = tokens.compactMap { if case .comment(let text) = $0 { return text } else { return nil } }
    #expect(comments.count == 3, "\(dialect): only the three header comment lines, got \(comments)")
    let literals = Set(tokens.compactMap { if case .literal(let text) = $0 { return text } else { return nil } })
    for hostile in Self.hostileStrings {
      #expect(literals.contains(hostile), "\(dialect): '\(hostile)' is not one literal of the script")
    }
    let identifiers = Set(tokens.compactMap { if case .identifier(let text) = $0 { return text } else { return nil } })
    for name in ["we\"ird", "co`hort", "ev\"ent; --", "user id", "seg\"; --"] where !(dialect == .snowflake && name == "co`hort") {
      #expect(identifiers.contains(name), "\(dialect): '\(name)' is not one quoted identifier of the script")
    }
  }
}

