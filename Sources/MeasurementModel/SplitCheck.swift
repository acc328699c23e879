/// The comparison of a recorded split (an `arm` column in the cohort, as the messaging platform
/// recorded it) with the split the experiment's hash implies.
///
/// When the cohort carries an `arm` column, that recorded arm is used for analysis (it is what
/// actually happened); every user whose recorded arm differs from the hash is counted here, so a
/// platform that split differently than configured is visible in the report.
public struct SplitCheck: Sendable, Equatable {
  /// True when the cohort has an `arm` column.
  public var isRecorded = false
  /// Users whose recorded arm equals the hashed arm.
  public var agreements = 0
  /// Users whose recorded arm differs from the hashed arm.
  public var disagreements = 0
  /// Examples of disagreement, smallest user id first (`ExampleList`).
  public package(set) var disagreementList = ExampleList()
  /// Users listed again in the cohort with a different recorded arm (the first row is kept).
  public var usersInSeveralArms = 0
  /// Examples of such users, smallest user id first.
  public package(set) var severalArmList = ExampleList()

  /// Examples of disagreement, as `user X: recorded A, hash gives B`.
  public var examples: [String] { disagreementList.texts }
  /// Examples of users in several arms, as `user X: A, then B` (in file order, so a different
  /// row order can swap the arms: the first row is the one kept).
  public var severalArmExamples: [String] { severalArmList.texts }

  /// Creates an empty check.
  public init() {}

  /// False when the recorded arms were taken as they are, without recomputing the hash (a
  /// warehouse query): agreement is then not known.
  public var isHashChecked = true

  /// The share of compared users who disagree, or nil with no users compared.
  public var disagreementRate: Double? {
    let total = agreements + disagreements
    return total > 0 ? Double(disagreements) / Double(total) : nil
  }
}
