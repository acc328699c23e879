import Experiment
import Ingest
import MeasurementModel
import WarehouseSQL

/// Reads the aggregates a warehouse query returned (`AggregateColumns`) back into a
/// `Measurement`, so that the report is rendered by the same code as from files.
///
/// Everything is checked before it is used, and the first problem stops with
/// `file:line: what, how to fix` (exit 65): the header, the layout version, the experiment key
/// and the experiment file's digest (a query built from another file or version is stale), the
/// `as_of`, every section and key (an unknown arm, metric, segment column, fate or finding), each
/// number (a non-negative integer count; integer sums), and sums that cannot come from n users:
/// n = 0 with non-zero sums, Σx² < 0, n·Σx² < (Σx)², (Σx·pre)² > Σx²·Σpre², a 0/1 metric whose
/// Σx is not a multiple of 10⁶ in [0, n·10⁶] or whose Σx² ≠ 10⁶·Σx, a count that is negative or
/// fractional, more exposed users than users. Every arm must appear in `users` and in `metric`
/// for every metric; return times must add up to each arm's users.
public struct AggregateReader {
  /// The experiment the aggregates must belong to.
  public let experiment: ExperimentDefinition
  /// The digest of the experiment file as it is now.
  public let digest: String

  /// A reader for `experiment`'s aggregates.
  public init(experiment: ExperimentDefinition, digest: String) {
    self.experiment = experiment
    self.digest = digest
  }

  /// One parsed row.
  struct Row {
    var line: Int
    var section: String
    var arm: String
    var metric: String
    var segment: String
    var value: String
    /// The numeric columns by name (absent when empty or `\N`).
    var numbers: [String: Int128]
  }

  /// Reads the file at `path` (`-` for standard input) into a measurement.
  public func read(path: String) throws -> Measurement { try readWithWeeks(path: path).measurement }

  /// Reads the file at `path` into the measurement and, when the query was written with
  /// `--weekly`, one measurement per weekly cutoff before `as_of` (users and metrics only: what
  /// the history shows), ordered by cutoff.
  public func readWithWeeks(path: String) throws -> (measurement: Measurement, weeks: [Measurement]) {
    var reader = try CSVReader(path: path)
    let name = Reconciliation.fileName(path)
    let header = try reader.readHeader()
    guard header == AggregateColumns.names else {
      let missing = AggregateColumns.names.filter { !header.contains($0) }
      let extra = header.filter { !AggregateColumns.names.contains($0) }
      var detail = "the header is not the aggregates header of \(AggregateQuery.formatVersion)"
      if !missing.isEmpty { detail += "; missing \(missing.joined(separator: ", "))" }
      if !extra.isEmpty { detail += "; unknown \(extra.prefix(5).joined(separator: ", "))" }
      if missing.isEmpty && extra.isEmpty { detail += "; the columns are in another order" }
      throw WarehouseError.badAggregates(path: name, line: 1, message: detail + "; save the query's result as CSV with its header row, unchanged")
    }
    var rows: [Row] = []
    var failure: WarehouseError? = nil
    try reader.forEachRecord { (record: borrowing CSVRow) in
      guard failure == nil else { return }
      let line = record.line
      guard !record.isMalformed, record.count == header.count else {
        failure = .badAggregates(path: name, line: line, message: "expected \(header.count) well-formed fields, found \(record.count)")
        return
      }
      var text: [String] = []
      for k in 0..<header.count { text.append(record.string(k) ?? "\u{FFFD}") }
      var numbers: [String: Int128] = [:]
      // A number column may be NULL (the first entry of an arm without users): empty from most
      // clients, `\N` from ClickHouse's CSV and TSV (never an integer, so never mistaken for one).
      for k in AggregateColumns.firstNumber..<header.count where !text[k].isEmpty && text[k] != "\\N" {
        guard let number = Self.integer(text[k]) else {
          failure = .badAggregates(
            path: name, line: line,
            message: "\(header[k]) '\(text[k].prefix(40))' is not an integer (sums are exact integers in micro-units)")
          return
        }
        numbers[header[k]] = number
      }
      rows.append(Row(line: line, section: text[0], arm: text[1], metric: text[2], segment: text[3], value: text[4], numbers: numbers))
      if rows.count > maximumRows {
        failure = .badAggregates(
          path: name, line: line,
          message: "more than \(maximumRows) rows, the limit for an aggregates file (about 0.3 KB of memory each); a query over more than about 12 million analysed users returns more return-curve rows than that")
      }
    }
    if let failure { throw failure }
    var assembly = AggregateAssembly(experiment: experiment, digest: digest, file: name)
    let (measurement, weeks) = try assembly.measurement(from: rows)
    return (measurement, weeks)
  }

  /// The most rows accepted (default 10,000,000): return-curve rows are at most one per
  /// analysed user, everything else a few hundred. Reading takes about 0.3 KB per row (1M rows:
  /// 298 MB, 3.8 s), so the limit bounds memory at about 3 GB; past it the read stops naming it.
  public var maximumRows = 10_000_000

  /// An integer written in decimal (an optional sign, digits; `123.000` from engines that print
  /// exact decimals with a scale is accepted, any other fraction is not).
  static func integer(_ text: String) -> Int128? {
    var digits = Substring(text)
    if let dot = digits.firstIndex(of: ".") {
      guard digits[digits.index(after: dot)...].allSatisfy({ $0 == "0" }) else { return nil }
      digits = digits[..<dot]
    }
    guard digits.count <= 40 else { return nil }
    return Int128(digits)
  }
}
