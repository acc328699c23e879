/// A report's examples of one kind (rejected rows of one reason, split disagreements, identity
/// collisions…): the few smallest by a key that depends only on what the rows say, never on
/// their order, the thread count or the chunk size.
///
/// The key is, in order:
/// 1. the user id the example names, as bytes in byte order (for identity examples, the alias
///    value it shows); examples that name one come before examples that do not (an empty
///    `user_id`, a malformed row);
/// 2. the detail text, as UTF-8 bytes;
/// 3. the file name;
/// 4. the line.
///
/// Only the `limit` smallest are kept, in key order, so memory is bounded whatever the number
/// of candidates, and two lists (of parallel parts of one file, say) merge into the `limit`
/// smallest of their union. Line numbers follow the file, so a different row order can change
/// them, and only them: two candidates that tie up to the line have the same text otherwise.
public struct ExampleList: Sendable, Equatable {
  /// One example and its key.
  public struct Example: Sendable, Equatable {
    /// The user id (or alias) the example names, nil when it names none.
    public let user: [UInt8]?
    /// What is wrong, without the location.
    public let detail: String
    /// The file name (not the path), empty for examples that are not about a row.
    public let file: String
    /// The line in `file`.
    public let line: Int

    /// Creates an example.
    public init(user: [UInt8]?, detail: String, file: String = "", line: Int = 0) {
      self.user = user
      self.detail = detail
      self.file = file
      self.line = line
    }

    /// The example as reports show it: `file:line: detail`, or the detail alone without a file.
    public var text: String { file.isEmpty ? detail : "\(file):\(line): \(detail)" }
  }

  /// The number of examples kept.
  public static let limit = 3

  /// The examples kept, smallest key first.
  public package(set) var examples: [Example] = []

  /// An empty list.
  public init() {}

  /// The examples as reports show them, in key order.
  public var texts: [String] { examples.map(\.text) }

  /// True when no example is kept.
  public var isEmpty: Bool { examples.isEmpty }

  /// Offers an example; it is kept if it is among the `limit` smallest so far.
  public mutating func offer(_ example: Example) {
    var index = examples.count
    while index > 0 && Self.precedes(example, examples[index - 1]) { index -= 1 }
    guard index < Self.limit else { return }
    examples.insert(example, at: index)
    if examples.count > Self.limit { examples.removeLast() }
  }

  /// Offers an example naming `user` (nil: none), building its detail only when the user id
  /// alone does not already rule it out, so that a long run of candidates costs one byte
  /// comparison each.
  package mutating func offer(
    user: UnsafeBufferPointer<UInt8>?, file: String = "", line: Int = 0, detail: () -> String
  ) {
    if examples.count == Self.limit, let last = examples.last {
      if Self.compareUsers(user, last.user) > 0 { return }
    }
    offer(Example(user: user.map(Array.init), detail: detail(), file: file, line: line))
  }

  /// Keeps the `limit` smallest of both lists.
  public mutating func merge(_ other: ExampleList) {
    for example in other.examples { offer(example) }
  }

  /// True when `a`'s key is smaller than `b`'s.
  package static func precedes(_ a: Example, _ b: Example) -> Bool {
    let users = compareUsers(a.user, b.user)
    if users != 0 { return users < 0 }
    let details = compareBytes(a.detail.utf8, b.detail.utf8)
    if details != 0 { return details < 0 }
    let files = compareBytes(a.file.utf8, b.file.utf8)
    if files != 0 { return files < 0 }
    return a.line < b.line
  }

  /// Byte order of two user ids, where any id precedes none: −1, 0 or 1.
  private static func compareUsers<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A?, _ b: B?) -> Int {
    switch (a, b) {
    case (nil, nil): return 0
    case (nil, _): return 1
    case (_, nil): return -1
    case (let a?, let b?): return compareBytes(a, b)
    }
  }

  /// Lexicographic byte order (a prefix first): −1, 0 or 1.
  private static func compareBytes<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Int {
    var i = a.makeIterator()
    var j = b.makeIterator()
    while true {
      switch (i.next(), j.next()) {
      case (nil, nil): return 0
      case (nil, _): return -1
      case (_, nil): return 1
      case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
      }
    }
  }
}
