/// One contact of an export, as text: the configured columns, before any rule is applied.
public struct ContactRow: Sendable, Equatable {
  /// The 1-based line the contact starts on.
  public var line: Int
  /// The user id (nil when empty or absent).
  public var id: String?
  /// The last-purchase cell as written (nil when empty, absent or null).
  public var lastPurchase: String?
  /// The consent cell as written (nil when empty or absent).
  public var consent: String?
  /// The unsubscribed cell as written.
  public var unsubscribed: String?
  /// The email and phone cells.
  public var email: String?
  public var phone: String?
  /// The copied columns' cells (`EntryDefinition.Contacts.copy`), in order; empty strings for
  /// empty cells.
  public var copied: [String] = []

  /// A contact on `line` with no cells yet.
  public init(line: Int) { self.line = line }
}
