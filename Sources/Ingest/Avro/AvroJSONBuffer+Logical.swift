/// The JSON text of Avro's logical types: timestamps and dates as ISO-8601 text, decimals as
/// exact JSON numbers, UUIDs and durations.
extension AvroJSONBuffer {
  /// The longest decimal accepted: 1,024 bytes (2,466 digits). Converting a big integer to
  /// decimal is quadratic in its length, so a hostile block of one huge decimal would take
  /// minutes; no real decimal comes near (Avro's own 38-digit decimals are 16 bytes).
  static let decimalByteLimit = 1024

  /// Writes a timestamp of `value` units (`fractionDigits` 3, 6 or 9: milli-, micro- or
  /// nanoseconds) since 1970-01-01T00:00:00 as `"YYYY-MM-DDTHH:MM:SS.fff"`, with `Z` when
  /// `utc`. Before the epoch counts back (floor division). A year outside 0001–9999 is written
  /// with a sign and at least four digits (`+10000`, `-0001`, `+0000`), ISO 8601's expanded form.
  /// Room for 48 bytes reserved.
  mutating func putTimestamp(_ value: Int64, fractionDigits: Int, utc: Bool) {
    let perSecond: Int64 = fractionDigits == 3 ? 1000 : fractionDigits == 6 ? 1_000_000 : 1_000_000_000
    let (seconds, fraction) = Self.floorDivide(value, perSecond)
    let (days, secondOfDay) = Self.floorDivide(seconds, 86_400)
    put(UInt8(ascii: "\""))
    putCivilDate(days: days)
    put(UInt8(ascii: "T"))
    putTwoDigits(Int(secondOfDay / 3600))
    put(UInt8(ascii: ":"))
    putTwoDigits(Int(secondOfDay / 60 % 60))
    put(UInt8(ascii: ":"))
    putTwoDigits(Int(secondOfDay % 60))
    put(UInt8(ascii: "."))
    var f = UInt64(fraction)
    putDigits(magnitude: &f, minimumWidth: fractionDigits)
    if utc { put(UInt8(ascii: "Z")) }
    put(UInt8(ascii: "\""))
  }

  /// Writes a date, `days` since 1970-01-01, as `"YYYY-MM-DD"` (room for 24 bytes reserved).
  mutating func putDate(days: Int64) {
    put(UInt8(ascii: "\""))
    putCivilDate(days: days)
    put(UInt8(ascii: "\""))
  }

  /// `(a ÷ b rounded down, the non-negative remainder)`, for b > 0.
  @inline(__always)
  static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    let q = a / b
    let r = a % b
    return r < 0 ? (q - 1, r + b) : (q, r)
  }

  /// The proleptic Gregorian date of day `days` since 1970-01-01 (H. Hinnant's
  /// `civil_from_days`, exact for every Int64 day count a timestamp can produce).
  private mutating func putCivilDate(days: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    var magnitude = year.magnitude
    if year >= 1 && year <= 9999 {
      putDigits(magnitude: &magnitude, minimumWidth: 4)
    } else {
      put(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
      putDigits(magnitude: &magnitude, minimumWidth: 4)
    }
    put(UInt8(ascii: "-"))
    putTwoDigits(Int(month))
    put(UInt8(ascii: "-"))
    putTwoDigits(Int(day))
  }

  @inline(__always)
  private mutating func putTwoDigits(_ n: Int) {
    put(UInt8(truncatingIfNeeded: 0x30 + n / 10))
    put(UInt8(truncatingIfNeeded: 0x30 + n % 10))
  }

  /// Writes a decimal: the big-endian two's-complement integer in `n` bytes (empty is 0) times
  /// 10^-scale, as an exact JSON number with exactly `scale` fraction digits (`-12.340`,
  /// `0.05`, `7`). Any length up to `decimalByteLimit`. False at the output limit.
  mutating func putDecimal(_ p: UnsafePointer<UInt8>, _ n: Int, scale: Int) -> Bool {
    let negative = n > 0 && p[0] >= 0x80
    var digits: [UInt8]  // most significant first
    if n <= 8 {
      var v: UInt64 = negative ? ~0 : 0
      for k in 0..<n { v = v << 8 | UInt64(p[k]) }
      var magnitude = Int64(bitPattern: v).magnitude
      digits = []
      repeat {
        digits.append(UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30)
        magnitude /= 10
      } while magnitude > 0
      digits.reverse()
    } else {
      digits = Self.decimalDigits(p, n, negative: negative)
    }
    guard reserve(digits.count + scale + 3) else { return false }
    if negative { put(UInt8(ascii: "-")) }
    if scale == 0 {
      digits.withUnsafeBufferPointer { put($0.baseAddress!, $0.count) }
    } else if digits.count > scale {
      digits.withUnsafeBufferPointer { d in
        put(d.baseAddress!, d.count - scale)
        put(UInt8(ascii: "."))
        put(d.baseAddress! + d.count - scale, scale)
      }
    } else {
      put(UInt8(ascii: "0"))
      put(UInt8(ascii: "."))
      for _ in 0..<(scale - digits.count) { put(0x30) }
      digits.withUnsafeBufferPointer { put($0.baseAddress!, $0.count) }
    }
    return true
  }

  /// The decimal digits of the magnitude of a long two's-complement integer, by repeated
  /// division of 32-bit limbs by 10^9.
  private static func decimalDigits(_ p: UnsafePointer<UInt8>, _ n: Int, negative: Bool) -> [UInt8] {
    // Little-endian 32-bit limbs of the magnitude (two's complement negated: invert, add 1).
    var limbs = [UInt32](repeating: 0, count: (n + 3) / 4)
    for k in 0..<n {
      let byte = negative ? ~p[n - 1 - k] : p[n - 1 - k]
      limbs[k / 4] |= UInt32(byte) << (8 * UInt32(k % 4))
    }
    if negative {
      var carry: UInt64 = 1
      for i in limbs.indices where carry != 0 {
        let sum = UInt64(limbs[i]) + carry
        limbs[i] = UInt32(truncatingIfNeeded: sum)
        carry = sum >> 32
      }
    }
    var top = limbs.count
    var groups: [UInt32] = []  // base 10^9, least significant first
    while true {
      while top > 0 && limbs[top - 1] == 0 { top -= 1 }
      if top == 0 { break }
      var remainder: UInt64 = 0
      for i in stride(from: top - 1, through: 0, by: -1) {
        let current = remainder << 32 | UInt64(limbs[i])
        limbs[i] = UInt32(current / 1_000_000_000)
        remainder = current % 1_000_000_000
      }
      groups.append(UInt32(remainder))
    }
    guard let last = groups.last else { return [0x30] }
    var digits = Array(String(last).utf8)
    for group in groups.dropLast().reversed() {
      let text = Array(String(group).utf8)
      digits += [UInt8](repeating: 0x30, count: 9 - text.count) + text
    }
    return digits
  }

  /// Writes 16 bytes as a UUID's text, `"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"`, lowercase (room
  /// for 38 bytes reserved).
  mutating func putUUID(_ p: UnsafePointer<UInt8>) {
    put(UInt8(ascii: "\""))
    for k in 0..<16 {
      if k == 4 || k == 6 || k == 8 || k == 10 { put(UInt8(ascii: "-")) }
      put(Self.hex[Int(p[k] >> 4)])
      put(Self.hex[Int(p[k] & 15)])
    }
    put(UInt8(ascii: "\""))
  }

  static let durationKeys: [[UInt8]] = [Array("{\"months\":".utf8), Array(",\"days\":".utf8), Array(",\"milliseconds\":".utf8)]

  /// Writes a duration's 12 bytes (three little-endian unsigned 32-bit integers) as
  /// `{"months":m,"days":d,"milliseconds":ms}` (room for 80 bytes reserved).
  mutating func putDuration(_ p: UnsafePointer<UInt8>) {
    for k in 0..<3 {
      Self.durationKeys[k].withUnsafeBufferPointer { put($0.baseAddress!, $0.count) }
      let q = p + 4 * k
      var v = UInt64(q[0]) | UInt64(q[1]) << 8 | UInt64(q[2]) << 16 | UInt64(q[3]) << 24
      putDigits(magnitude: &v, minimumWidth: 1)
    }
    put(UInt8(ascii: "}"))
  }
}
