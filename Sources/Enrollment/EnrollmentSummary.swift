/// What one `holdout cohort` run did with every candidate: entered (per segment and arm) or
/// excluded with a reason, so that the counts add up to the candidates read.
public struct EnrollmentSummary: Sendable, Equatable {
  /// Why a candidate did not enter, in the order the rules are applied (a candidate gets the
  /// first that applies).
  public enum Exclusion: Int, CaseIterable, Sendable {
    case rejected
    case duplicateContact
    case noConsent
    case unsubscribed
    case neverPurchased
    case unparsableLastPurchase
    case purchaseAfterAsOf
    case purchasedRecently
    case outsideCoverage
    case alreadyInCohort

    /// A stable key for JSON.
    public var key: String {
      ["rejected", "duplicate_contact", "no_consent", "unsubscribed", "never_purchased", "unparsable_last_purchase",
       "purchase_after_as_of", "purchased_recently", "outside_coverage", "already_in_cohort"][rawValue]
    }

    /// Words for the text summary.
    public var label: String {
      ["unreadable rows", "contact listed again (first row kept)", "no consent", "unsubscribed", "never purchased",
       "last purchase not a timestamp", "last purchase after as_of", "purchased within the lowest threshold",
       "outside coverage", "already in the cohort"][rawValue]
    }
  }

  /// The segment names, lowest threshold first.
  public var segments: [String]
  /// The arm names.
  public var arms: [String]
  /// Candidates read (contact rows, or users named by the events).
  public var candidates = 0
  /// Entrants per segment, per arm: `entered[segment][arm]`.
  public var entered: [[Int]]
  /// Of the entrants, users entering again after `reentry_days`.
  public var reentered = 0
  /// Exclusions per reason.
  public var excluded = [Int](repeating: 0, count: Exclusion.allCases.count)
  /// The first examples (`file:line: reason`) of rejected rows and unparsable dates.
  public var examples: [String] = []
  /// Rows in the previous cohort file.
  public var previousRows = 0

  /// An empty summary.
  public init(segments: [String], arms: [String]) {
    self.segments = segments
    self.arms = arms
    entered = Array(repeating: Array(repeating: 0, count: arms.count), count: segments.count)
  }

  /// All entrants.
  public var totalEntered: Int { entered.joined().reduce(0, +) }

  /// True when every candidate is accounted for exactly once.
  public var isBalanced: Bool { totalEntered + excluded.reduce(0, +) == candidates }
}
