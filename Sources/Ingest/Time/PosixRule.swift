/// A POSIX TZ rule (`PST8PDT,M3.2.0,M11.1.0`, `<+0330>-3:30`, `CET-1CEST,M3.5.0,M10.5.0/3`), as
/// found in a TZif file's footer: a standard offset and optionally a daylight offset with the
/// rules for when it starts and ends (`Mm.w.d[/time]`, `Jn[/time]` or `n[/time]`).
struct PosixRule: Sendable {
  /// Seconds east of UTC in standard time.
  let standard: Int64
  /// Seconds east of UTC in daylight time, and the start and end rules; nil without DST.
  let daylight: (offset: Int64, start: DateRule, end: DateRule)?

  /// A day of the year and a local time of day.
  struct DateRule: Sendable, Equatable {
    enum Day: Sendable, Equatable {
      case monthWeekDay(month: Int64, week: Int64, weekday: Int64)
      case julianNoLeap(Int64)
      case zeroBased(Int64)
    }
    var day: Day
    var time: Int64 = 7200

    /// The rule's local instant (seconds since the epoch, as if UTC) in `year`.
    func localSeconds(in year: Int64) -> Int64 {
      var days: Int64
      switch day {
      case .monthWeekDay(let month, let week, let weekday):
        let first = Timestamp.days(year: year, month: month, day: 1)
        let firstWeekday = ((first + 4) % 7 + 7) % 7
        var dayOfMonth = 1 + ((weekday - firstWeekday) % 7 + 7) % 7 + 7 * (week - 1)
        let nextMonth = month == 12 ? Timestamp.days(year: year + 1, month: 1, day: 1)
          : Timestamp.days(year: year, month: month + 1, day: 1)
        while first + dayOfMonth - 1 >= nextMonth { dayOfMonth -= 7 }
        days = first + dayOfMonth - 1
      case .julianNoLeap(let n):
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        days = Timestamp.days(year: year, month: 1, day: 1) + n - 1 + (leap && n >= 60 ? 1 : 0)
      case .zeroBased(let n):
        days = Timestamp.days(year: year, month: 1, day: 1) + n
      }
      return days * 86_400 + time
    }
  }

  /// Parses a footer; nil when it is not a rule this reader understands.
  init?(_ text: [UInt8]) {
    var p = Scanner(text: text)
    guard p.name(), let std = p.offset() else { return nil }
    standard = -std
    if p.atEnd {
      daylight = nil
      return
    }
    guard p.name() else { return nil }
    var dst = standard + 3600
    if let c = p.peek, c != UInt8(ascii: ",") {
      guard let value = p.offset() else { return nil }
      dst = -value
    }
    guard p.take(","), let start = p.dateRule(), p.take(","), let end = p.dateRule(), p.atEnd else {
      return nil
    }
    daylight = (dst, start, end)
  }

  /// The offset at the UTC instant `seconds`.
  func offset(atUTC seconds: Int64) -> Int64 {
    guard let daylight else { return standard }
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let year = Timestamp.civil(days: days).year
    let start = daylight.start.localSeconds(in: year) - standard
    let end = daylight.end.localSeconds(in: year) - daylight.offset
    let inDaylight = start < end ? (seconds >= start && seconds < end) : (seconds < end || seconds >= start)
    return inDaylight ? daylight.offset : standard
  }

  private struct Scanner {
    let text: [UInt8]
    var i = 0
    init(text: [UInt8]) { self.text = text }
    var atEnd: Bool { i >= text.count }
    var peek: UInt8? { i < text.count ? text[i] : nil }

    mutating func take(_ c: Character) -> Bool {
      guard let p = peek, p == UInt8(ascii: c.unicodeScalars.first!) else { return false }
      i += 1
      return true
    }

    mutating func name() -> Bool {
      if take("<") {
        while let c = peek, c != UInt8(ascii: ">") { i += 1 }
        return take(">")
      }
      let start = i
      while let c = peek, (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) { i += 1 }
      return i - start >= 3
    }

    /// A decimal number of at most 6 digits (every field of a rule is smaller; more digits
    /// would overflow the arithmetic on hostile input).
    mutating func number() -> Int64? {
      var value: Int64 = 0
      var digits = 0
      while let c = peek, c >= 0x30 && c <= 0x39 {
        guard digits < 6 else { return nil }
        value = value * 10 + Int64(c - 0x30)
        digits += 1
        i += 1
      }
      return digits > 0 ? value : nil
    }

    /// `[+-]hh[:mm[:ss]]` in seconds (POSIX sign: positive is west of Greenwich).
    mutating func offset() -> Int64? {
      var sign: Int64 = 1
      if take("-") { sign = -1 } else { _ = take("+") }
      // Hours up to 167 (RFC 8536 §3.3.1 extends POSIX's 24 for transition times).
      guard let hours = number(), hours <= 167 else { return nil }
      var total = hours * 3600
      if take(":") {
        guard let minutes = number(), minutes <= 59 else { return nil }
        total += minutes * 60
        if take(":") {
          guard let secs = number(), secs <= 59 else { return nil }
          total += secs
        }
      }
      return sign * total
    }

    mutating func dateRule() -> DateRule? {
      var rule: DateRule
      if take("M") {
        guard let m = number(), take("."), let w = number(), take("."), let d = number(),
          (1...12).contains(m), (1...5).contains(w), (0...6).contains(d)
        else { return nil }
        rule = DateRule(day: .monthWeekDay(month: m, week: w, weekday: d))
      } else if take("J") {
        guard let n = number(), (1...365).contains(n) else { return nil }
        rule = DateRule(day: .julianNoLeap(n))
      } else {
        guard let n = number(), (0...365).contains(n) else { return nil }
        rule = DateRule(day: .zeroBased(n))
      }
      if take("/") {
        guard let time = offset() else { return nil }
        rule.time = time
      }
      return rule
    }
  }
}
