import Assignment
import Experiment
import Ingest
import MeasurementModel
import Join
import TextOutput

/// Builds (or extends) an experiment's cohort as of a day T from a contact export or from the
/// behaviour events: `holdout cohort`.
///
/// Every candidate (contact row, or user named by the events) gets exactly one outcome, the
/// first rule that applies, in `EnrollmentSummary.Exclusion` order: unreadable row; contact
/// listed again (the first row is kept); no consent; unsubscribed; never purchased; last
/// purchase not a timestamp; last purchase after T; inactive fewer than the lowest threshold's
/// days (`InactivityClock`); outside the experiment's coverage; already in the cohort (unless
/// `reentry_days` have passed since the user's latest entry). Otherwise the user enters: entry
/// time T (or the local midnight they crossed the lowest threshold), arm and bucket by the
/// experiment's hash (as `holdout assign`), segment by days inactive.
///
/// New rows are sorted by user id (bytes), so the output does not depend on the export's row
/// order; earlier rows are never touched.
public struct CohortBuilder {
  let experiment: ExperimentDefinition
  let entry: EntryDefinition
  let asOf: Int64
  /// Stop at the first rejected contact.
  public var strict = false
  /// A contact export to read instead of `entry.contacts.path` (this week's export).
  public var contactsPath: String? = nil
  /// Allow an `asOf` earlier than the latest entry already in the cohort (`--backfill`).
  public var backfill = false

  /// A builder for `experiment` as of `asOf`.
  public init(experiment: ExperimentDefinition, asOf: Int64) throws(EnrollmentError) {
    guard let entry = experiment.entry else { throw .noEntry(path: experiment.path) }
    self.experiment = experiment
    self.entry = entry
    self.asOf = asOf
  }

  /// The result: the new rows (CSV lines with their line ends) and the summary.
  public struct Result: Sendable {
    public var header: [String]
    public var rows: [String]
    public var summary: EnrollmentSummary
    /// True when the cohort file existed before (its bytes are kept as they are).
    public var previousExists: Bool
  }

  /// One candidate after reading: the text of its cells and where it came from.
  struct Candidate {
    var row: ContactRow
    /// The last purchase as an instant when it came from the events (already parsed).
    var purchase: Int64?
  }

  /// Builds the new entrants given the previous cohort file at `previousPath`.
  public func build(previousPath: String) throws -> Result {
    let header = CohortFile.header(for: entry)
    let splitter = experiment.splitter
    let decimals = experiment.bucketDecimals
    let arms = experiment.arms.map(\.name)
    let previous = try CohortFile.readPrevious(
      path: previousPath, header: header, splitter: splitter, arms: arms, decimals: decimals)
    if !backfill, let latest = previous.lastEntry, asOf < latest {
      throw EnrollmentError.backdated(path: previousPath, asOf: Timestamp.format(asOf), latest: Timestamp.format(latest))
    }
    var summary = EnrollmentSummary(segments: entry.segments.map(\.name), arms: arms)
    summary.previousRows = previous.rows

    guard let zone = TimeZoneRule(entry.timeZone) else { throw EnrollmentError.noEntry(path: experiment.path) }
    let clock = InactivityClock(zone: zone)
    let format = entry.timeFormat.flatMap(TimeFormat.init(rawValue:)) ?? .auto
    let lowest = entry.segments[0].days
    var sourcePath = experiment.path

    var seen = ByteKeyTable(capacity: 1 << 12)
    var entrants: [(id: String, line: String)] = []

    func decide(_ candidate: Candidate) throws {
      summary.candidates += 1
      let row = candidate.row
      func exclude(_ reason: EnrollmentSummary.Exclusion) { summary.excluded[reason.rawValue] += 1 }
      guard let id = row.id else {
        return try reject(row.line, "the id column '\(entry.contacts?.id ?? "user")' is empty")
      }
      let known = seen.count
      _ = seen.intern(id)
      guard seen.count > known else { return exclude(.duplicateContact) }
      if entry.contacts?.consent != nil {
        guard let consent = row.consent.map(Self.truth) else { return exclude(.noConsent) }
        guard let given = consent else {
          return try reject(row.line, "consent '\(row.consent!)' is neither yes nor no (true/false, yes/no, 1/0, opted_in/opted_out)")
        }
        guard given else { return exclude(.noConsent) }
      }
      if entry.contacts?.unsubscribed != nil, let text = row.unsubscribed {
        guard let unsubscribed = Self.truth(text) else {
          return try reject(row.line, "unsubscribed '\(text)' is neither yes nor no (true/false, yes/no, 1/0)")
        }
        if unsubscribed { return exclude(.unsubscribed) }
      }
      let purchase: Int64
      if let parsed = candidate.purchase {
        purchase = parsed
      } else {
        guard let text = row.lastPurchase else { return exclude(.neverPurchased) }
        guard let parsed = clock.instant(text, format: format) else {
          note(row.line, "last purchase '\(text)' is not a timestamp (\(format.example))")
          if strict {
            throw EnrollmentError.strictRejection(path: sourcePath, line: row.line, reason: "last purchase '\(text)' is not a timestamp")
          }
          return exclude(.unparsableLastPurchase)
        }
        purchase = parsed
      }
      guard purchase < asOf else { return exclude(.purchaseAfterAsOf) }
      let days = clock.inactiveDays(purchase: purchase, asOf: asOf)
      guard days >= Int64(lowest), let segment = entry.segment(forInactiveDays: Int(min(days, Int64(Int32.max)))) else {
        return exclude(.purchasedRecently)
      }
      let assignment = splitter.assign(id)
      guard let arm = assignment.arm else { return exclude(.outsideCoverage) }
      var entered = asOf
      if entry.entryTime == .threshold {
        entered = min(asOf, clock.startOfDay(clock.localDay(purchase) + Int64(lowest)))
      }
      if let known = previous.users.find(id) {
        guard let reentry = entry.reentryDays,
          entered - previous.latestEntry[Int(known)] >= Int64(reentry) * Timestamp.microsecondsPerDay
        else { return exclude(.alreadyInCohort) }
        summary.reentered += 1
      }
      let segmentIndex = entry.segments.firstIndex(of: segment)!
      summary.entered[segmentIndex][arm] += 1
      var cells = [
        id, Timestamp.format(entered), arms[arm], segment.name, NumberFormat.fixed(assignment.bucket, decimals),
        Timestamp.format(purchase), String(days),
      ]
      if entry.contacts?.email != nil { cells.append(row.email ?? "") }
      if entry.contacts?.phone != nil { cells.append(row.phone ?? "") }
      if let copy = entry.contacts?.copy, !copy.isEmpty {
        cells += (0..<copy.count).map { $0 < row.copied.count ? row.copied[$0] : "" }
      }
      entrants.append((id, cells.map(CSVField.quoted).joined(separator: ",") + "\n"))
    }
    func note(_ line: Int, _ reason: String) {
      if summary.examples.count < 3 { summary.examples.append("\(Self.fileName(sourcePath)):\(line): \(reason)") }
    }
    func reject(_ line: Int, _ reason: String) throws {
      if strict { throw EnrollmentError.strictRejection(path: sourcePath, line: line, reason: reason) }
      note(line, reason)
      summary.excluded[EnrollmentSummary.Exclusion.rejected.rawValue] += 1
    }

    switch entry.source {
    case .contacts:
      guard let contacts = entry.contacts else { throw EnrollmentError.noEntry(path: experiment.path) }
      var spec = contacts
      if let contactsPath { spec.path = contactsPath }
      sourcePath = spec.path
      try ContactReader(contacts: spec).read(
        row: { try decide(Candidate(row: $0)) },
        rejected: { line, reason in
          summary.candidates += 1
          try reject(line, reason)
        })
    case .events(let names):
      guard let inputs = experiment.inputs else { throw EnrollmentError.noEvents(path: experiment.path) }
      sourcePath = inputs.events.first?.path ?? experiment.path
      for candidate in try LastPurchaseScan(sources: inputs.events, identities: inputs.identities, events: names, before: asOf).candidates() {
        try decide(candidate)
      }
    }
    entrants.sort { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
    return Result(header: header, rows: entrants.map(\.line), summary: summary, previousExists: previous.exists)
  }

  /// The instant `text` names as T for `entry`: a date or a time without a zone is local to the
  /// entry's time zone (`--as-of 2026-10-05` is local midnight that day), a zoned time or an
  /// epoch number as written. Nil when it is not a timestamp.
  public static func asOf(_ text: String, entry: EntryDefinition) -> Int64? {
    guard let zone = TimeZoneRule(entry.timeZone) else { return nil }
    return InactivityClock(zone: zone).instant(text, format: .auto)
  }

  /// yes/no cells: true, t, yes, y, 1, opted_in, opt_in, subscribed, granted → true; false, f,
  /// no, n, 0, opted_out, opt_out, unsubscribed, revoked, denied → false (case-insensitive);
  /// anything else nil.
  static func truth(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true", "t", "yes", "y", "1", "opted_in", "opt_in", "subscribed", "granted": return true
    case "false", "f", "no", "n", "0", "opted_out", "opt_out", "unsubscribed", "revoked", "denied": return false
    default: return nil
    }
  }

  static func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}
