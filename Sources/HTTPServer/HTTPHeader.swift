/// One header field of a request or response, as received: the name keeps its case, the value
/// has its optional surrounding whitespace (OWS, RFC 9110 §5.6.3) removed.
public struct HTTPHeader: Sendable, Equatable {
  public var name: String
  public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }

  /// Whether `name` equals `other` ignoring ASCII case, as field names compare (RFC 9110 §5.1).
  public func isNamed(_ other: String) -> Bool {
    Self.namesEqual(name, other)
  }

  /// ASCII case-insensitive equality of two field names.
  public static func namesEqual(_ a: String, _ b: String) -> Bool {
    let x = a.utf8, y = b.utf8
    guard x.count == y.count else { return false }
    for (p, q) in zip(x, y) where p != q {
      guard lower(p) == lower(q) else { return false }
    }
    return true
  }

  private static func lower(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
  }
}

extension Array where Element == HTTPHeader {
  /// Every value of the header `name` (case-insensitive), in the order received.
  public func values(named name: String) -> [String] {
    compactMap { $0.isNamed(name) ? $0.value : nil }
  }
}
