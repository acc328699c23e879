/// How a source writes its instants, for sources whose format is not fixed by the platform
/// (`time_format` in an experiment file's generic inputs).
public enum TimeFormat: String, Sendable, Equatable, CaseIterable {
  /// Any form `Timestamp.parse` accepts: ISO-8601 variants, or epoch seconds / milliseconds /
  /// microseconds told apart by magnitude.
  case auto
  /// ISO-8601 date-times only (`T` or space, optional fraction and zone); numbers are refused.
  case iso8601
  /// Unix epoch seconds, optionally with a fraction.
  case unixSeconds = "unix_seconds"
  /// Unix epoch milliseconds, optionally with a fraction.
  case unixMilliseconds = "unix_milliseconds"
  /// Unix epoch microseconds.
  case unixMicroseconds = "unix_microseconds"

  /// An instant read in this format: microseconds since the epoch, and whether the text named
  /// its zone. Epoch numbers and ISO text without `Z`/offset are zone-less: they are UTC unless
  /// the source declares a local time zone.
  public struct Reading: Sendable, Equatable {
    /// Microseconds since 1970-01-01T00:00:00, in UTC when `isZoned`.
    public var micros: Int64
    /// True when the text carried `Z`, `UTC` or an offset.
    public var isZoned: Bool
  }

  /// Parses `bytes` in this format; nil when they are not an instant of this format.
  public func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Reading? {
    guard !bytes.isEmpty else { return nil }
    // The form most exports write, without setting up the general parser.
    if bytes.count == 20 && (self == .auto || self == .iso8601), let micros = Timestamp.fixedUTC(bytes) {
      return Timestamp.representable.contains(micros) ? Reading(micros: micros, isZoned: true) : nil
    }
    var parser = Timestamp.Parser(bytes: bytes)
    let isISO = bytes.count > 4 && bytes[4] == UInt8(ascii: "-")
    let micros: Int64?
    switch self {
    case .auto: micros = isISO ? parser.parseISO() : parser.parseEpoch()
    case .iso8601: micros = isISO ? parser.parseISO() : nil
    case .unixSeconds, .unixMilliseconds, .unixMicroseconds:
      parser.epochUnit = self == .unixSeconds ? 1_000_000 : self == .unixMilliseconds ? 1_000 : 1
      micros = isISO ? nil : parser.parseEpoch()
    }
    guard let micros, Timestamp.representable.contains(micros) else { return nil }
    return Reading(micros: micros, isZoned: parser.sawZone)
  }

  /// What the format expects, for messages.
  public var example: String {
    switch self {
    case .auto: return "ISO-8601 or Unix epoch seconds/milliseconds/microseconds"
    case .iso8601: return "ISO-8601 such as 2025-03-04T15:00:07Z"
    case .unixSeconds: return "Unix epoch seconds such as 1741100407"
    case .unixMilliseconds: return "Unix epoch milliseconds such as 1741100407000"
    case .unixMicroseconds: return "Unix epoch microseconds such as 1741100407000000"
    }
  }
}
