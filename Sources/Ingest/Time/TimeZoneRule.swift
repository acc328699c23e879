#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A time zone for sources that write local wall-clock time (Mixpanel projects created before
/// 2023, naive CSV timestamps): converts such a time to UTC.
///
/// Accepted names: `UTC` (also `Z`, `GMT`), a fixed offset (`+05:30`, `-0800`, `+02`), or an
/// IANA name (`America/Los_Angeles`) read from the system's compiled zone files
/// (`/usr/share/zoneinfo`, RFC 8536 TZif). Instants past the file's last transition follow its
/// POSIX TZ footer rule (`PST8PDT,M3.2.0,M11.1.0`), so DST is right in any year. Nothing depends on
/// the machine's own time zone or on ICU.
///
/// Local → UTC follows Python's `zoneinfo` with `fold=0`: in the hour a DST change skips, the
/// offset before the change is used; in the hour it repeats, the first reading wins.
public struct TimeZoneRule: Sendable {
  /// The name as given.
  public let name: String
  private var fixedOffset: Int64? = nil
  private var transitions: [Int64] = []
  private var transitionTypes: [UInt8] = []
  private var typeOffsets: [Int64] = []
  private var footer: PosixRule? = nil

  /// Where compiled zone files live.
  public static let zoneDirectory = "/usr/share/zoneinfo"

  /// Reads the zone `name`; nil when it is neither UTC, an offset, nor a readable zone file.
  public init?(_ name: String) {
    self.name = name
    let upper = name.uppercased()
    if upper == "UTC" || upper == "Z" || upper == "GMT" || upper == "ETC/UTC" {
      fixedOffset = 0
      return
    }
    if let first = name.first, first == "+" || first == "-" {
      guard let offset = Self.parseOffset(Array(name.utf8)) else { return nil }
      fixedOffset = offset
      return
    }
    let allowed = name.utf8.allSatisfy { c in
      (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
        || c == UInt8(ascii: "/") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
    }
    guard allowed, !name.contains(".."), !name.hasPrefix("/"),
      let bytes = try? ByteSource(path: Self.zoneDirectory + "/" + name).readAll(limit: 1 << 20),
      parseTZif(bytes)
    else { return nil }
  }

  /// A zone from the bytes of a compiled zone file (RFC 8536 TZif, versions 1 to 4); nil when
  /// they are not one. (The fuzz target for zone files enters here.)
  init?(name: String, tzif bytes: [UInt8]) {
    self.name = name
    guard parseTZif(bytes) else { return nil }
  }

  /// The UTC offset in seconds at the UTC instant `seconds`.
  public func offset(atUTC seconds: Int64) -> Int64 {
    if let fixedOffset { return fixedOffset }
    if transitions.isEmpty || seconds < transitions[0] {
      if transitions.isEmpty, let footer { return footer.offset(atUTC: seconds) }
      return typeOffsets.first ?? 0
    }
    if seconds >= transitions[transitions.count - 1], let footer { return footer.offset(atUTC: seconds) }
    var low = 0
    var high = transitions.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if transitions[mid] <= seconds { low = mid } else { high = mid - 1 }
    }
    return typeOffsets[Int(transitionTypes[low])]
  }

  /// Converts a local wall-clock instant (microseconds since the epoch, read as if UTC) to UTC.
  ///
  /// The offsets in effect 14 hours either side are the candidates (real zones change at most
  /// once in such a window); a candidate is consistent when the zone has that offset at the
  /// UTC instant it implies. One consistent candidate: it. Two (the repeated hour when clocks go
  /// back): the earlier instant. None (the hour skipped when clocks go forward): the offset
  /// before the change. This is Python's `zoneinfo` with `fold=0`.
  public func utc(fromLocal micros: Int64) -> Int64 {
    if let fixedOffset { return micros - fixedOffset * 1_000_000 }
    let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    let before = offset(atUTC: seconds - 14 * 3600)
    let after = offset(atUTC: seconds + 14 * 3600)
    let beforeFits = offset(atUTC: seconds - before) == before
    let afterFits = offset(atUTC: seconds - after) == after
    let chosen: Int64
    if beforeFits && afterFits {
      chosen = max(before, after)
    } else if afterFits {
      chosen = after
    } else {
      chosen = before
    }
    return micros - chosen * 1_000_000
  }

  /// `+hh`, `+hhmm` or `+hh:mm` (or `-`) → seconds east of UTC; nil otherwise.
  static func parseOffset(_ text: [UInt8]) -> Int64? {
    guard text.count >= 3, text[0] == UInt8(ascii: "+") || text[0] == UInt8(ascii: "-") else { return nil }
    var digits = Array(text.dropFirst())
    if digits.count == 5 && digits[2] == UInt8(ascii: ":") { digits.remove(at: 2) }
    guard digits.count == 2 || digits.count == 4, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
      return nil
    }
    let hours = Int64(digits[0] - 0x30) * 10 + Int64(digits[1] - 0x30)
    let minutes = digits.count == 4 ? Int64(digits[2] - 0x30) * 10 + Int64(digits[3] - 0x30) : 0
    guard hours <= 18, minutes <= 59 else { return nil }
    let total = hours * 3600 + minutes * 60
    return text[0] == UInt8(ascii: "-") ? -total : total
  }

  // MARK: - TZif (RFC 8536)

  private mutating func parseTZif(_ data: [UInt8]) -> Bool {
    func u32(_ at: Int) -> Int64 {
      Int64(data[at]) << 24 | Int64(data[at + 1]) << 16 | Int64(data[at + 2]) << 8 | Int64(data[at + 3])
    }
    func i32(_ at: Int) -> Int64 { Int64(Int32(truncatingIfNeeded: u32(at))) }
    func i64(_ at: Int) -> Int64 { Int64(bitPattern: UInt64(u32(at)) << 32 | UInt64(u32(at + 4))) }
    func header(_ at: Int) -> (isut: Int, isstd: Int, leap: Int, time: Int, type: Int, char: Int)? {
      guard at + 44 <= data.count, data[at] == 0x54, data[at + 1] == 0x5A, data[at + 2] == 0x69,
        data[at + 3] == 0x66
      else { return nil }
      return (
        Int(u32(at + 20)), Int(u32(at + 24)), Int(u32(at + 28)), Int(u32(at + 32)), Int(u32(at + 36)),
        Int(u32(at + 40))
      )
    }
    guard let first = header(0) else { return false }
    let version = data[4]
    var at = 44
    var counts = first
    var timeSize = 4
    if version >= 0x32 {
      at += first.time * 5 + first.type * 6 + first.char + first.leap * 8 + first.isstd + first.isut
      guard let second = header(at) else { return false }
      counts = second
      at += 44
      timeSize = 8
    }
    let end = at + counts.time * (timeSize + 1) + counts.type * 6 + counts.char
      + counts.leap * (timeSize + 4) + counts.isstd + counts.isut
    guard counts.type > 0, end <= data.count else { return false }
    for k in 0..<counts.time {
      transitions.append(timeSize == 8 ? i64(at + k * 8) : i32(at + k * 4))
    }
    at += counts.time * timeSize
    for k in 0..<counts.time {
      guard Int(data[at + k]) < counts.type else { return false }
      transitionTypes.append(data[at + k])
    }
    at += counts.time
    for k in 0..<counts.type {
      // RFC 8536 §3.2: utoff MUST NOT be −2^31 and SHOULD be in −89999…93599 (−25 h to +26 h).
      let offset = i32(at + k * 6)
      guard (-89_999...93_599).contains(offset) else { return false }
      typeOffsets.append(offset)
    }
    if version >= 0x32, end < data.count, data[end] == 0x0A {
      let rest = data[(end + 1)...]
      if let newline = rest.firstIndex(of: 0x0A) {
        footer = PosixRule(Array(data[(end + 1)..<newline]))
      }
    }
    return true
  }
}
