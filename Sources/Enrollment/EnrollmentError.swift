/// What stops `holdout cohort`: each says what is wrong, where, and how to fix it. All are bad
/// data or configuration (exit 65); unreadable files stay `IngestError`s (66).
public enum EnrollmentError: Error, Equatable, CustomStringConvertible {
  /// The experiment file has no `entry` object.
  case noEntry(path: String)
  /// The `events` source needs `inputs.events`.
  case noEvents(path: String)
  /// A configured column is not in the contact export's header.
  case missingColumn(path: String, column: String, key: String, header: [String])
  /// A contact row was rejected and `--strict` was given.
  case strictRejection(path: String, line: Int, reason: String)
  /// The previous cohort file cannot be extended by this experiment.
  case previousCohort(path: String, line: Int, message: String)
  /// The cohort's lock could not be taken (`CohortLock`).
  case lock(path: String, message: String)
  /// `--as-of` is earlier than entries already in the cohort: appending would put earlier entries
  /// after later ones.
  case backdated(path: String, asOf: String, latest: String)

  public var description: String {
    switch self {
    case .noEntry(let path):
      return "\(path): no 'entry' object; add one saying where last purchases come from, e.g. \"entry\": {\"contacts\": \"contacts.csv\"} (docs/experiment-file.md#entry)"
    case .noEvents(let path):
      return "\(path): 'entry.events' reads last purchases from inputs.events, but the file has no 'inputs'; add inputs.events or use entry.contacts"
    case .missingColumn(let path, let column, let key, let header):
      let found = header.isEmpty ? "no columns" : header.joined(separator: ",")
      return "\(path):1: no column '\(column)' (named by '\(key)'; header has: \(found)); set '\(key)' to the export's column name"
    case .strictRejection(let path, let line, let reason):
      return "\(path):\(line): \(reason) (--strict stops at the first rejected contact; drop --strict to count and skip such rows)"
    case .previousCohort(let path, let line, let message):
      return "\(path):\(line): \(message)"
    case .lock(let path, let message):
      return "\(path): \(message)"
    case .backdated(let path, let asOf, let latest):
      return "\(path): --as-of \(asOf) is earlier than the latest entry already in the cohort (\(latest)); appending would put earlier entries after later ones. Build past weeks in order into a new file, or pass --backfill to append them anyway"
    }
  }
}
