/// Exact decimal amounts as integer micro-units (value × 10⁶).
///
/// Money and counts are summed per user as integers, so a user's total is the same whatever the
/// order of their events (floating-point addition is not associative, and reports must be
/// byte-identical for shuffled inputs). Six decimal places cover every currency; digits beyond
/// the sixth are rounded half away from zero. Exponent forms (`1.5e3`) are accepted. Magnitudes
/// of 10¹² or more, NaN and infinities are rejected.
public enum Decimal {
  /// Micro-units per unit.
  public static let scale: Int64 = 1_000_000
  /// `units` (a number from an experiment file: a cap, a message cost) in micro-units, rounded
  /// to the nearest (halves away from zero, `Double.rounded()`). The file join and the
  /// warehouse SQL both convert through here, so both apply the same micro-unit.
  @inlinable
  public static func micros(_ units: Double) -> Int64 { Int64((units * Double(scale)).rounded()) }

  /// `micros` micro-units in units, for a report.
  @inlinable
  public static func units<I: BinaryInteger>(_ micros: I) -> Double { Double(micros) / Double(scale) }

  /// The largest accepted magnitude, in units.
  public static let limit: Double = 1e12

  /// Parses `bytes` into micro-units; nil when they are not a finite decimal number in range.
  public static func parseMicros(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    let n = bytes.count
    guard n > 0 else { return nil }
    var i = 0
    var negative = false
    if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
      negative = bytes[0] == UInt8(ascii: "-")
      i = 1
    }
    var integer: Int64 = 0
    var integerDigits = 0
    while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
      integer = integer * 10 + Int64(bytes[i] - 0x30)
      integerDigits += 1
      guard integer < 1_000_000_000_000 else { return nil }
      i += 1
    }
    var fraction: Int64 = 0
    var fractionDigits = 0
    var roundUp = false
    if i < n && bytes[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
        if fractionDigits < 6 {
          fraction = fraction * 10 + Int64(bytes[i] - 0x30)
        } else if fractionDigits == 6 {
          roundUp = bytes[i] >= UInt8(ascii: "5")
        }
        fractionDigits += 1
        i += 1
      }
    }
    guard integerDigits + fractionDigits > 0 else { return nil }
    if i < n {
      guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return nil }
      return parseScientific(bytes)
    }
    var padding = fractionDigits
    while padding < 6 {
      fraction *= 10
      padding += 1
    }
    var micros = integer * scale + fraction + (roundUp ? 1 : 0)
    if negative { micros = -micros }
    return micros
  }

  private static func parseScientific(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard let text = String(validating: bytes, as: UTF8.self), let value = Double(text),
      value.isFinite, abs(value) < limit
    else { return nil }
    return Int64((value * Double(scale)).rounded(.toNearestOrAwayFromZero))
  }

  /// Parses a String (tests and configuration).
  public static func parseMicros(_ string: String) -> Int64? {
    var copy = string
    return copy.withUTF8 { parseMicros($0) }
  }

  /// Micro-units as a Double in units.
  @inline(__always)
  public static func units(_ micros: Int64) -> Double { Double(micros) / Double(scale) }

  /// The exact decimal text of `micros` micro-units, without trailing zeros: `42.5`, `40`, `-0.000001`.
  public static func format(_ micros: Int64) -> String {
    let magnitude = micros.magnitude
    var text = "\(magnitude / UInt64(scale))"
    var fraction = String(magnitude % UInt64(scale))
    if fraction != "0" {
      fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
      while fraction.hasSuffix("0") { fraction.removeLast() }
      text += "." + fraction
    }
    return (micros < 0 ? "-" : "") + text
  }
}
