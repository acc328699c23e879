#if canImport(Glibc)
  import Glibc
#endif

/// The `Date` header an origin server with a clock sends (RFC 9110 §6.6.1), in the IMF-fixdate
/// form: `Mon, 07 Dec 2026 17:04:05 GMT`.
enum HTTPDate {
  private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// The header value for the current second.
  static func now() -> String {
    format(Int64(time(nil)))
  }

  /// The IMF-fixdate of Unix second `seconds` (the C library's `gmtime_r` for the calendar;
  /// the names are written here, so no locale can change them).
  static func format(_ seconds: Int64) -> String {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
  }
}
