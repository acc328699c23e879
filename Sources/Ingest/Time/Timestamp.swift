/// Instants as microseconds since 1970-01-01T00:00:00Z, parsed from bytes.
///
/// Accepted forms (all instants are UTC internally):
/// - ISO-8601: `2026-10-03T14:22:05Z`, with a fraction (`.123`, up to 9 digits, truncated to
///   microseconds), with an offset (`+02:00`, `+0200`, `+02`, `Z`), with a space instead of `T`,
///   a space before the offset (`2026-10-03 14:22:05 +00:00`, Iterable) or a ` UTC` suffix;
///   no offset means UTC. Minutes-only (`14:22`) and date-only (`2026-10-03`, midnight) forms too.
/// - Unix epoch seconds, milliseconds or microseconds, optionally with a fraction, told apart by
///   magnitude: an integer part of at least 10¹¹ is milliseconds (10¹¹ s is the year 5138; 10¹¹
///   ms is 1973), of at least 10¹⁴ microseconds (10¹⁴ ms is the year 5138 again).
public enum Timestamp {
  /// Microseconds per second.
  public static let microsecondsPerSecond: Int64 = 1_000_000
  /// Microseconds per day.
  public static let microsecondsPerDay: Int64 = 86_400 * 1_000_000

  /// Parses `bytes`; nil when they are not one of the accepted forms or not a valid date, or
  /// name an instant outside `representable`.
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    var p = Parser(bytes: bytes)
    return p.parse().flatMap(checked)
  }

  /// The instants Holdout reads and writes: 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z,
  /// those `format` writes with a four-digit year. A time that a zone offset or a large epoch
  /// number puts outside (`0000-01-01T00:00:00+14:00` is in year −1; 18-digit epoch
  /// microseconds reach year 33658) is not a timestamp, so it can never print as garbage.
  public static let representable: ClosedRange<Int64> =
    days(year: 0, month: 1, day: 1) * microsecondsPerDay...(days(year: 10_000, month: 1, day: 1) * microsecondsPerDay - 1)

  /// `micros` when it is `representable`, else nil.
  @inline(__always)
  static func checked(_ micros: Int64) -> Int64? { representable.contains(micros) ? micros : nil }

  /// `YYYY-MM-DDTHH:MM:SSZ` exactly, the form most exports write, read as three 8-byte words
  /// without the general parser's steps. Nil when the bytes are not exactly that form or not a
  /// valid date and time (the general parser then decides, with the same rules: month 1–12, the
  /// month's days, hour ≤ 23, minute ≤ 59, second ≤ 60).
  ///
  /// The words are "YYYY-MM-", "DDTHH:MM" and "H:MM:SSZ" (bytes 12–19). In each, the separator
  /// bytes must match and every other byte must be a digit: b is a digit when t = b ^ 0x30 has
  /// a zero high nibble and t + 6 does too. Then with v = word & 0x0F…0F (every byte ≤ 15),
  /// v·10 + (v >> 8) holds in byte k the two-digit number of bytes k and k+1 (no byte passes
  /// 165, so nothing carries into the next): the century and year in bytes 0 and 2 of the
  /// first word, the month in byte 5; day, hour and minute in bytes 0, 3 and 6 of the second;
  /// the second in byte 5 of the third.
  @inline(__always)
  public static func fixedUTC(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard bytes.count == 20, let base = bytes.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    let w0 = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
    let w1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    let w2 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
    @inline(__always) func matches(_ w: UInt64, separators: UInt64, expected: UInt64) -> Bool {
      let digitLanes = ~separators
      let t = (w ^ 0x3030_3030_3030_3030) & digitLanes
      let high = 0xF0F0_F0F0_F0F0_F0F0 & digitLanes
      return w & separators == expected && t & high == 0 && (t &+ (0x0606_0606_0606_0606 & digitLanes)) & high == 0
    }
    // Little-endian: byte k of a word is bits 8k..8k+7.
    guard matches(w0, separators: 0xFF00_00FF_0000_0000, expected: 0x2D00_002D_0000_0000),  // - at 4, 7
      matches(w1, separators: 0x0000_FF00_00FF_0000, expected: 0x0000_3A00_0054_0000),  // T at 10, : at 13
      matches(w2, separators: 0xFF00_00FF_0000_FF00, expected: 0x5A00_003A_0000_3A00)  // : at 13, 16, Z at 19
    else { return nil }
    @inline(__always) func pairs(_ w: UInt64) -> UInt64 {
      let v = w & 0x0F0F_0F0F_0F0F_0F0F
      return v &* 10 &+ (v >> 8)
    }
    let p0 = pairs(w0), p1 = pairs(w1), p2 = pairs(w2)
    @inline(__always) func byte(_ p: UInt64, _ k: UInt64) -> Int64 { Int64((p >> (8 * k)) & 0xFF) }
    let year = byte(p0, 0) * 100 + byte(p0, 2)
    let month = byte(p0, 5), day = byte(p1, 0)
    let hour = byte(p1, 3), minute = byte(p1, 6), second = byte(p2, 5)
    guard month >= 1, month <= 12, day >= 1, hour <= 23, minute <= 59, second <= 60 else { return nil }
    let leap = year & 3 == 0 && (year % 100 != 0 || year % 400 == 0)
    // The month's length, 28 + two bits of 0x3BBEECC at bit 2·month (31 28 31 30 … 31), and the
    // days before it, ⌊(367·month − 362) / 12⌋ less 2 after February (0 31 59 90 … 334); a leap
    // year adds February 29 (so after February it is less 1).
    let length = 28 + ((0x3BBEECC >> (2 * month)) & 3) + (leap && month == 2 ? 1 : 0)
    guard day <= length else { return nil }
    let daysBefore = (367 * month - 362) / 12 - (month > 2 ? (leap ? 1 : 2) : 0)
    // Days from 0000-01-01 to January 1 of `year` (year ≥ 0), then from 1970-01-01.
    let y = UInt64(year)
    let yearStart = Int64(365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400) - 719_528
    let days = yearStart + daysBefore + day - 1
    return days * microsecondsPerDay + ((hour * 60 + minute) * 60 + second) * microsecondsPerSecond
  }

  /// Parses a String (convenience for configuration values and tests).
  public static func parse(_ string: String) -> Int64? {
    var copy = string
    return copy.withUTF8 { parse($0) }
  }

  /// Days since 1970-01-01 of the proleptic Gregorian date y-m-d (Hinnant's algorithm).
  public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The civil date of a day count since 1970-01-01.
  public static func civil(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  /// ISO-8601 in UTC: `2026-10-03T14:22:05Z`, with `.ffffff` only when the fraction is non-zero.
  public static func format(_ micros: Int64) -> String {
    var days = micros / microsecondsPerDay
    var rest = micros % microsecondsPerDay
    if rest < 0 {
      rest += microsecondsPerDay
      days -= 1
    }
    let (y, m, d) = civil(days: days)
    let seconds = rest / microsecondsPerSecond
    let fraction = rest % microsecondsPerSecond
    var text =
      "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    if fraction != 0 { text += "." + pad(fraction, 6) }
    return text + "Z"
  }

  /// The date part only: `2026-10-03`.
  public static func formatDate(_ micros: Int64) -> String {
    String(format(micros).prefix(10))
  }

  private static func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }

  static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    /// Set by `parseZone` when the text names a zone (`Z`, `UTC` or an offset).
    var sawZone = false
    /// Forces the unit of an epoch number; nil tells seconds from milliseconds by magnitude.
    var epochUnit: Int64? = nil

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { i >= bytes.count }

    func peek(_ offset: Int = 0) -> UInt8? {
      i + offset < bytes.count ? bytes[i + offset] : nil
    }

    /// Exactly `count` decimal digits.
    mutating func digits(_ count: Int) -> Int64? {
      guard i + count <= bytes.count else { return nil }
      var value: Int64 = 0
      for k in 0..<count {
        let c = bytes[i + k]
        guard c >= 0x30 && c <= 0x39 else { return nil }
        value = value * 10 + Int64(c - 0x30)
      }
      i += count
      return value
    }

    @inline(__always)
    mutating func expect(_ ascii: Unicode.Scalar) -> Bool {
      guard let c = peek(), c == UInt8(ascii: ascii) else { return false }
      i += 1
      return true
    }

    mutating func parse() -> Int64? {
      guard !bytes.isEmpty else { return nil }
      if bytes.count > 4 && bytes[4] == UInt8(ascii: "-") { return parseISO() }
      return parseEpoch()
    }

    mutating func parseEpoch() -> Int64? {
      var integer: Int64 = 0
      var integerDigits = 0
      while let c = peek(), c >= 0x30 && c <= 0x39 {
        guard integerDigits < 17 else { return nil }  // at most 17 digits (docs/inputs.md)
        integer = integer * 10 + Int64(c - 0x30)
        integerDigits += 1
        i += 1
      }
      guard integerDigits > 0 else { return nil }
      var fraction: Int64 = 0
      var scale: Int64 = 1
      if expect(".") {
        var fractionDigits = 0
        while let c = peek(), c >= 0x30 && c <= 0x39 {
          if fractionDigits < 9 {
            fraction = fraction * 10 + Int64(c - 0x30)
            scale *= 10
          }
          fractionDigits += 1
          i += 1
        }
        guard fractionDigits > 0 else { return nil }
      }
      guard atEnd else { return nil }
      if let unit = epochUnit {
        // Micro-units per unit: 1_000_000 (s), 1_000 (ms), 1 (µs).
        let (whole, overflow) = integer.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        return whole + fraction * unit / scale
      }
      if integer >= 100_000_000_000_000 {
        // Microseconds.
        return integer
      }
      if integer >= 100_000_000_000 {
        // Milliseconds.
        return integer * 1_000 + fraction * 1_000 / scale
      }
      return integer * microsecondsPerSecond + fraction * microsecondsPerSecond / scale
    }

    mutating func parseISO() -> Int64? {
      if i == 0 && bytes.count == 20, let micros = Timestamp.fixedUTC(bytes) {
        i = 20
        sawZone = true
        return micros
      }
      guard let year = digits(4), expect("-"), let month = digits(2), expect("-"),
        let day = digits(2)
      else { return nil }
      guard month >= 1 && month <= 12, day >= 1, day <= Timestamp.daysInMonth(year, month) else {
        return nil
      }
      var micros = Timestamp.days(year: year, month: month, day: day) * Timestamp.microsecondsPerDay
      if atEnd { return micros }
      guard let separator = peek(),
        separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == 0x20
      else { return nil }
      i += 1
      guard let hour = digits(2), hour <= 23, expect(":"), let minute = digits(2), minute <= 59
      else { return nil }
      var second: Int64 = 0
      var fraction: Int64 = 0
      if expect(":") {
        guard let s = digits(2), s <= 60 else { return nil }
        second = s
        if expect(".") || expect(",") {
          var count = 0
          var scale: Int64 = 1
          while let c = peek(), c >= 0x30 && c <= 0x39 {
            if count < 6 {
              fraction = fraction * 10 + Int64(c - 0x30)
              scale *= 10
            }
            count += 1
            i += 1
          }
          guard count > 0 else { return nil }
          fraction = fraction * (Timestamp.microsecondsPerSecond / scale)
        }
      }
      micros += ((hour * 60 + minute) * 60 + second) * Timestamp.microsecondsPerSecond + fraction
      guard let offset = parseZone() else { return nil }
      return micros - offset
    }

    /// The zone suffix as an offset in microseconds (local − UTC); nil when malformed.
    mutating func parseZone() -> Int64? {
      if atEnd { return 0 }
      if peek() == 0x20 { i += 1 }
      guard let c = peek() else { return nil }
      sawZone = true
      if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
        i += 1
        return atEnd ? 0 : nil
      }
      if c == UInt8(ascii: "U") {
        guard expect("U"), expect("T"), expect("C"), atEnd else { return nil }
        return 0
      }
      guard c == UInt8(ascii: "+") || c == UInt8(ascii: "-") else { return nil }
      i += 1
      guard let hours = digits(2), hours <= 18 else { return nil }
      var minutes: Int64 = 0
      if !atEnd {
        _ = expect(":")
        guard let m = digits(2), m <= 59 else { return nil }
        minutes = m
      }
      guard atEnd else { return nil }
      let offset = (hours * 60 + minutes) * 60 * Timestamp.microsecondsPerSecond
      return c == UInt8(ascii: "-") ? -offset : offset
    }
  }
}
