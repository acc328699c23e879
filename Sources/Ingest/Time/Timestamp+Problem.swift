extension Timestamp {
  /// Why `text` is not a timestamp `parse` reads, in words for an error message: what is wrong
  /// with this text, not only what would be right ("an epoch number of 19 digits: nanoseconds?",
  /// "2026-02-30: February 2026 has 28 days"). Nil when `parse` reads it.
  public static func problem(with text: String) -> String? {
    guard parse(text) == nil else { return nil }
    let bytes = Array(text.utf8)
    let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
    if bytes.isEmpty { return "it is empty" }
    if bytes.allSatisfy(isDigit) {
      if bytes.count > 17 {
        return "an epoch number of \(bytes.count) digits is beyond microseconds (at most 17 digits: seconds, milliseconds or microseconds; nanoseconds must be divided by 1,000)"
      }
      return "the epoch number is outside the years 0000 to 9999"
    }
    // A date: YYYY-MM-DD…
    func number(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= bytes.count, bytes[range].allSatisfy(isDigit) else { return nil }
      return bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
    if let year = number(0..<4), bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let month = number(5..<7), let day = number(8..<10)
    {
      guard (1...12).contains(month) else { return "month \(month) is not between 01 and 12" }
      let length = Int(daysInMonth(Int64(year), Int64(month)))
      guard (1...length).contains(day) else {
        return "day \(day) is not in \(String(text.prefix(7))) (\(length) days)"
      }
      if bytes.count >= 16, let hour = number(11..<13), let minute = number(14..<16) {
        if hour > 23 { return "hour \(hour) is not between 00 and 23" }
        if minute > 59 { return "minute \(minute) is not between 00 and 59" }
        if bytes.count >= 19, let second = number(17..<19), second > 60 {
          return "second \(second) is not between 00 and 60"
        }
      }
      return "the time after the date is not in ISO-8601 form (T or a space, hh:mm:ss, an optional fraction, then Z or an offset such as +02:00)"
    }
    return "it is neither ISO-8601 (2026-11-16T00:00:00Z, 2026-11-16) nor an epoch number"
  }
}
