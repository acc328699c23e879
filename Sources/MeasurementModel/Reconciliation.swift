/// The account of every row of one input file: what happened to it.
///
/// Every data row read lands in exactly one `Fate`, so the counts add up to `rowsRead`; rejected
/// rows are further broken down by reason, with a few examples of each as `file:line: detail`,
/// chosen by `ExampleList`'s key (smallest user id first), not by position in the file.
public struct Reconciliation: Sendable, Equatable {
  /// What happened to a row.
  public enum Fate: Int, Sendable, Equatable, CaseIterable {
    /// Contributed to the analysis (a cohort member, an exposure, or a metric window).
    case used
    /// A cohort row for a user already listed (the first row is kept).
    case duplicateUser
    /// A cohort row whose user falls outside the experiment's coverage.
    case outsideCoverage
    /// A cohort row whose user entered after `as_of`.
    case enteredAfterAsOf
    /// An event row that repeats an earlier row's event id.
    case duplicate
    /// An event at or after `as_of`.
    case afterAsOf
    /// An event of a user who is not in the cohort.
    case userNotInCohort
    /// An event of a cohort user who is not analysed (outside coverage, entered after `as_of`).
    case userNotAnalysed
    /// An event whose name no metric or exposure uses.
    case eventNotMeasured
    /// An event of a measured name that falls outside every window (including pre-periods).
    case outsideWindows
    /// An event whose user aliases (email, device id) are not in the identities file.
    case unresolvedIdentity
    /// An event whose alias belongs to several units in the identities file.
    case ambiguousIdentity
    /// A record that is not an event (a Segment identify or page call).
    case notAnEvent
    /// A row that could not be read; see `rejections`.
    case rejected

    /// How the fate is labelled in reports.
    public var label: String {
      switch self {
      case .used: return "used"
      case .duplicateUser: return "duplicate user (first row kept)"
      case .outsideCoverage: return "outside coverage"
      case .enteredAfterAsOf: return "entered after as_of"
      case .duplicate: return "duplicate"
      case .afterAsOf: return "after as_of"
      case .userNotInCohort: return "user not in cohort"
      case .userNotAnalysed: return "user not analysed"
      case .eventNotMeasured: return "event not measured"
      case .outsideWindows: return "outside every window"
      case .unresolvedIdentity: return "identity not resolved"
      case .ambiguousIdentity: return "identity ambiguous"
      case .notAnEvent: return "not an event"
      case .rejected: return "rejected"
      }
    }

    /// The key used in report.json.
    public var key: String {
      switch self {
      case .used: return "used"
      case .duplicateUser: return "duplicate_user"
      case .outsideCoverage: return "outside_coverage"
      case .enteredAfterAsOf: return "entered_after_as_of"
      case .duplicate: return "duplicate"
      case .afterAsOf: return "after_as_of"
      case .userNotInCohort: return "user_not_in_cohort"
      case .userNotAnalysed: return "user_not_analysed"
      case .eventNotMeasured: return "event_not_measured"
      case .outsideWindows: return "outside_windows"
      case .unresolvedIdentity: return "unresolved_identity"
      case .ambiguousIdentity: return "ambiguous_identity"
      case .notAnEvent: return "not_an_event"
      case .rejected: return "rejected"
      }
    }
  }

  /// Why a row was rejected.
  public enum Reason: Int, Sendable, Equatable, CaseIterable {
    case wrongFieldCount
    case malformedQuotes
    case emptyUserID
    case emptyEvent
    case badTimestamp
    case badNumber
    case unknownArm
    case invalidUTF8
    case valueOutOfRange
    case tooManyUsers
    case malformedJSON
    case missingField
    case wrongType

    /// The key used in report.json.
    public var key: String {
      switch self {
      case .wrongFieldCount: return "wrong_field_count"
      case .malformedQuotes: return "malformed_quotes"
      case .emptyUserID: return "empty_user_id"
      case .emptyEvent: return "empty_event"
      case .badTimestamp: return "bad_timestamp"
      case .badNumber: return "bad_number"
      case .unknownArm: return "unknown_arm"
      case .invalidUTF8: return "invalid_utf8"
      case .valueOutOfRange: return "value_out_of_range"
      case .tooManyUsers: return "too_many_users"
      case .malformedJSON: return "malformed_json"
      case .missingField: return "missing_field"
      case .wrongType: return "wrong_type"
      }
    }

    /// How the reason is labelled in reports.
    public var label: String {
      switch self {
      case .wrongFieldCount: return "wrong column count"
      case .malformedQuotes: return "malformed quotes"
      case .emptyUserID: return "empty user_id"
      case .emptyEvent: return "empty event name"
      case .badTimestamp: return "bad timestamp"
      case .badNumber: return "bad number"
      case .unknownArm: return "unknown arm"
      case .invalidUTF8: return "invalid UTF-8"
      case .valueOutOfRange: return "value out of range"
      case .tooManyUsers: return "too many users"
      case .malformedJSON: return "malformed JSON"
      case .missingField: return "missing field"
      case .wrongType: return "wrong type"
      }
    }
  }

  /// The number of examples kept per reason.
  public static let exampleLimit = ExampleList.limit

  /// Which input this is: `cohort`, `messages` or `events`.
  public let role: String
  /// The file's path as given (for a file of a folder or pattern source: the path opened).
  public let path: String
  /// The file's name in reports and examples: its last path component, or for a file of a folder
  /// or pattern source its path inside the source's folder.
  public var name: String
  /// The source's name (`FileTree.displayName`: `currents/`, `export/**/*.json.gz`) when the
  /// file is one of a folder or pattern source (reports summarise its files together); nil for a
  /// single file.
  public var source: String? = nil
  /// The export format of an event source (`amplitude`, `holdout`…); nil for the cohort and
  /// identities files.
  public var format: String? = nil
  /// Data rows read (the header and blank lines are not rows).
  public package(set) var rowsRead: Int {
    get { rows }
    set { rows = newValue }
  }
  @usableFromInline var rows = 0
  /// Rows per fate, indexed by `Fate.rawValue`.
  public package(set) var fates: [Int] {
    get { fateCounts }
    set { fateCounts = newValue }
  }
  @usableFromInline var fateCounts = [Int](repeating: 0, count: Fate.allCases.count)
  /// Rejected rows per reason, indexed by `Reason.rawValue`.
  public package(set) var reasons = [Int](repeating: 0, count: Reason.allCases.count)
  /// The examples per reason, indexed by `Reason.rawValue`.
  public package(set) var exampleLists = [ExampleList](repeating: ExampleList(), count: Reason.allCases.count)

  /// The examples per reason as `file:line: detail`, indexed by `Reason.rawValue`.
  public var examples: [[String]] { exampleLists.map(\.texts) }

  /// An empty account for the file at `path`.
  public init(role: String, path: String) {
    self.role = role
    self.path = path
    name = Self.fileName(path)
  }

  /// The number of rows with `fate`.
  public subscript(fate: Fate) -> Int { fateCounts[fate.rawValue] }

  /// The number of rows rejected for `reason`.
  public subscript(reason: Reason) -> Int { reasons[reason.rawValue] }

  /// Records a row's fate (inlined into the join's per-row fold, another module).
  @inlinable
  public mutating func record(_ fate: Fate) {
    rows += 1
    fateCounts[fate.rawValue] += 1
  }

  /// Records `count` rows with `fate` at once (row accounting computed elsewhere, such as in a
  /// warehouse query; rejected rows go through `reject(_:count:)`).
  public mutating func record(_ fate: Fate, count: Int) {
    // The stored arrays, not the `fates` property: a get-and-set of the property copies the
    // array on every change.
    rows += count
    fateCounts[fate.rawValue] += count
  }

  /// Records `count` rows rejected for `reason`, without examples.
  public mutating func reject(_ reason: Reason, count: Int) {
    record(.rejected, count: count)
    reasons[reason.rawValue] += count
  }

  /// Records a rejected row, offering it as an example of `reason`.
  ///
  /// - Parameters:
  ///   - reason: Why the row was rejected.
  ///   - line: The row's line in the file.
  ///   - detail: What is wrong with it.
  ///   - user: The row's user id, when it could be read (the example's key; nil sorts after
  ///     every id, by detail).
  public mutating func reject(_ reason: Reason, line: Int, detail: String, user: UnsafeBufferPointer<UInt8>? = nil) {
    record(.rejected)
    reasons[reason.rawValue] += 1
    exampleLists[reason.rawValue].offer(user: user, file: name, line: line) { detail }
  }

  /// Adds another account of the same file (e.g. a chunk processed in parallel).
  public mutating func merge(_ other: Reconciliation) {
    rows += other.rows
    for i in fateCounts.indices { fateCounts[i] += other.fateCounts[i] }
    for i in reasons.indices {
      reasons[i] += other.reasons[i]
      exampleLists[i].merge(other.exampleLists[i])
    }
  }

  /// True when the fates add up to the rows read.
  public var isBalanced: Bool { fates.reduce(0, +) == rowsRead && reasons.reduce(0, +) == self[.rejected] }

  /// The last path component, used in examples so reports do not depend on where files live.
  public static func fileName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}
