/// What a folder or pattern source held: the files read and the names skipped, by reason.
///
/// Each file read has its own `Reconciliation` (every row accounted for); this summary counts
/// the names that were never opened: a writer's markers and partial files, empty files, links
/// that loop, and files pruned because a folder or file name proves they hold no row the
/// experiment can use.
public struct SourceFileSummary: Sendable, Equatable {
  /// A reason and how many names it skipped, with the first few (in listing order).
  public struct Skip: Sendable, Equatable {
    public var reason: String
    public var count: Int
    public var examples: [String]

    public init(reason: String, count: Int, examples: [String]) {
      self.reason = reason
      self.count = count
      self.examples = examples
    }
  }

  /// The role: `messages` or `events`.
  public var role: String
  /// The source's name (`FileTree.displayName`: its folder's name, and its pattern).
  public var path: String
  /// The export format.
  public var format: String?
  /// The files read (each has a `Reconciliation`).
  public var filesRead: Int
  /// The names not read, by reason.
  public var skipped: [Skip]

  /// The number of examples kept per reason.
  public static let exampleLimit = 3

  public init(role: String, path: String, format: String?, filesRead: Int, skipped: [Skip]) {
    self.role = role
    self.path = path
    self.format = format
    self.filesRead = filesRead
    self.skipped = skipped
  }

  /// Names skipped, all reasons together.
  public var skippedCount: Int { skipped.reduce(0) { $0 + $1.count } }
}
