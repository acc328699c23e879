import Experiment
import Ingest

/// Data-quality observations made during the join, reported beside the reconciliation.
public struct JoinFindings: Sendable, Equatable {
  /// Exposure events (message deliveries) dated before the user entered the journey.
  public var exposuresBeforeEntry = 0
  /// Rows feeding a revenue metric that had no `value` (counted as 0 revenue), once per row.
  public var revenueRowsWithoutValue = 0
  /// Events dated before 2000-01-01: almost always a unit mistake (seconds read as
  /// milliseconds) or a placeholder date. They are processed like any other event.
  public var timesBeforeFloor = 0
  /// Events dated more than 30 days after `as_of`: dates in the future of the analysis (a unit
  /// mistake, or placeholder dates), beyond what late exports explain.
  public var timesFarAfterAsOf = 0
  /// Exposure events (deliveries) at or after entry, the denominator of `exposuresBeforeEntry`.
  public var exposuresAfterEntry = 0
  /// The instant below which a time is implausible: 2000-01-01T00:00:00Z
  /// (`MeasurementLimits.timeFloor`, which the warehouse query uses too).
  public static let timeFloor: Int64 = MeasurementLimits.timeFloor
  /// Rows that reuse an earlier row's event id but differ from it in user, event, time or value.
  /// The first row in file order is kept, so the result depends on the export's order: a data
  /// problem to fix at the source.
  public package(set) var conflictingDuplicates = 0
  /// Examples of conflicting duplicates, keyed by their detail (the reused key), since which
  /// row counts as the repeat (and so its user) depends on the order.
  public package(set) var conflictList = ExampleList()
  /// Examples of events whose aliases the identities file does not list, smallest alias first
  /// (their count is the `unresolved_identity` fate of each file).
  public package(set) var unresolvedList = ExampleList()
  /// Examples of events whose alias belongs to several units (count: `ambiguous_identity`).
  public package(set) var ambiguousList = ExampleList()
  /// Alias values the identities file lists for several units.
  public package(set) var identityCollisions = 0
  /// Examples of collisions, smallest alias value first.
  public package(set) var collisionList = ExampleList()
  /// Holdout markers recorded by the messaging platform (Braze EnrollInControl / Canvas entry in
  /// the control group, Iterable ExperimentHoldOut skips), compared with the analysed arms.
  public package(set) var platformControl = PlatformControlCheck()
  /// What each folder or pattern source held (files read, names skipped), in reading order.
  public package(set) var sourceFiles: [SourceFileSummary] = []
  /// Rows rejected because they would push a user's total (a metric or message cost) past the
  /// per-user bound (a subset of the files' `value_out_of_range` rejections, which also count
  /// single values beyond it). Whether such a row passes depends on the rows before it.
  public package(set) var totalsPastBound = 0

  /// Examples of conflicting duplicates, as `file:line: detail`.
  public var conflictExamples: [String] { conflictList.texts }
  /// Examples of unresolved identities, as `file:line: detail`.
  public var unresolvedExamples: [String] { unresolvedList.texts }
  /// Examples of ambiguous identities, as `file:line: detail`.
  public var ambiguousExamples: [String] { ambiguousList.texts }
  /// Examples of identity collisions, as `file:line: detail`.
  public var collisionExamples: [String] { collisionList.texts }

  package mutating func recordConflict(file: String, line: Int, detail: () -> String) {
    conflictingDuplicates += 1
    conflictList.offer(user: nil, file: file, line: line, detail: detail)
  }

  /// Offers an example of an event whose identity did not resolve (`fate` unresolved or
  /// ambiguous), naming `alias`.
  package mutating func offerIdentityExample(
    _ fate: Reconciliation.Fate, alias: UnsafeBufferPointer<UInt8>?, file: String, line: Int, detail: () -> String
  ) {
    if fate == .ambiguousIdentity {
      ambiguousList.offer(user: alias, file: file, line: line, detail: detail)
    } else {
      unresolvedList.offer(user: alias, file: file, line: line, detail: detail)
    }
  }

  /// No findings.
  public init() {}

  /// Findings counted elsewhere (a warehouse query), without examples.
  public init(
    exposuresBeforeEntry: Int, exposuresAfterEntry: Int, revenueRowsWithoutValue: Int, timesBeforeFloor: Int,
    timesFarAfterAsOf: Int, conflictingDuplicates: Int
  ) {
    self.exposuresBeforeEntry = exposuresBeforeEntry
    self.exposuresAfterEntry = exposuresAfterEntry
    self.revenueRowsWithoutValue = revenueRowsWithoutValue
    self.timesBeforeFloor = timesBeforeFloor
    self.timesFarAfterAsOf = timesFarAfterAsOf
    self.conflictingDuplicates = conflictingDuplicates
  }
}

/// The messaging platform's own record of who was held out, checked against the analysed arms.
///
/// Holdout analyses users by the cohort's arm (the recorded `arm` column, else the hash). When a
/// messaging source carries holdout markers, every marked user should be in the control arm; a
/// marked user in a treatment arm means the platform and the experiment disagree about who was
/// held out, which breaks the comparison.
public struct PlatformControlCheck: Sendable, Equatable {
  /// Analysed users the platform marked as held out.
  public var marked = 0
  /// Of them, users in the control arm.
  public var inControlArm = 0
  /// Of them, users in a treatment arm.
  public var inTreatmentArms = 0
  /// Examples of disagreement, smallest user id first.
  public package(set) var exampleList = ExampleList()

  /// Examples of disagreement, as `user (arm)`.
  public var examples: [String] { exampleList.texts }

  /// Creates an empty check.
  public init() {}
}

/// Interned channel names (`sms`, `email`, …) with a deterministic order for ties.
public struct ChannelTable: Sendable {
  private var table = ByteKeyTable(capacity: 16)

  /// An empty table.
  public init() {}

  /// The number of channels.
  public var count: Int { table.count }

  /// The code of the channel spelled by `bytes`.
  package mutating func code(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    table.intern(bytes).id
  }

  /// True when channel `a` sorts before `b` by name; any channel precedes none (−1).
  package func precedes(_ a: Int32, _ b: Int32) -> Bool {
    if b < 0 { return true }
    if a < 0 { return false }
    return table.precedes(a, b)
  }

  /// The channel's name.
  public func name(_ code: Int32) -> String { table.string(code) }
}
