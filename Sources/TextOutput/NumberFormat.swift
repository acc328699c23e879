#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Locale-free, deterministic number formatting for reports.
///
/// Everything goes through C's `vsnprintf` in the default "C" locale (Holdout never calls
/// `setlocale`), so the decimal separator is always `.` and the same Double always prints the
/// same way. Non-finite values never reach a report: callers print "not computable" instead, and
/// these functions print `n/a` defensively.
public enum NumberFormat {
  /// `value` with `decimals` digits after the point (`%.*f`).
  public static func fixed(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "n/a" }
    let text = printf("%.*f", Int32(decimals), value)
    // Avoid "-0.0": a value that rounds to zero prints unsigned.
    if text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
      return String(text.dropFirst())
    }
    return text
  }

  /// `value` with `digits` significant digits (`%.*g`), as used in report.json.
  public static func significant(_ value: Double, _ digits: Int = 12) -> String {
    guard value.isFinite else { return "null" }
    if value == 0 { return "0" }
    return printf("%.*g", Int32(digits), value)
  }

  /// A signed percentage: 0.1234 → "+12.3%".
  public static func signedPercent(_ value: Double, _ decimals: Int = 1) -> String {
    guard value.isFinite else { return "n/a" }
    let text = fixed(value * 100, decimals)
    return signed(text) + "%"
  }

  /// A percentage: 0.0412 → "4.12%".
  public static func percent(_ value: Double, _ decimals: Int = 2) -> String {
    fixed(value * 100, decimals) + "%"
  }

  /// A signed number with thousands separators: 1240.3 → "+1,240".
  public static func signedGrouped(_ value: Double, _ decimals: Int = 0) -> String {
    signed(grouped(value, decimals))
  }

  /// A number with thousands separators: 1240.3 → "1,240".
  public static func grouped(_ value: Double, _ decimals: Int = 0) -> String {
    guard value.isFinite else { return "n/a" }
    return withSeparators(fixed(value, decimals))
  }

  /// Digits (an optional `-`, digits, an optional fraction) with a `,` every three integer digits.
  private static func withSeparators(_ text: String) -> String {
    var sign = ""
    var body = Substring(text)
    if body.hasPrefix("-") {
      sign = "-"
      body = body.dropFirst()
    }
    let parts = body.split(separator: ".", maxSplits: 1)
    let integer = Array(parts[0])
    var out = ""
    for (index, character) in integer.enumerated() {
      if index > 0 && (integer.count - index) % 3 == 0 { out.append(",") }
      out.append(character)
    }
    if parts.count > 1 { out += "." + parts[1] }
    return sign + out
  }

  /// An integer with thousands separators, exactly (through its decimal digits, not a Double,
  /// which rounds above 2⁵³: Int.max printed as 9,223,372,036,854,775,808).
  public static func grouped(_ value: Int) -> String { withSeparators(String(value)) }

  /// A p-value: four decimals, or "< 0.0001".
  public static func pValue(_ p: Double) -> String {
    guard p.isFinite else { return "n/a" }
    return p < 0.0001 ? "< 0.0001" : fixed(p, 4)
  }

  /// "p = 0.0448" or "p < 0.0001".
  public static func pEquals(_ p: Double) -> String {
    guard p.isFinite else { return "p n/a" }
    return p < 0.0001 ? "p < 0.0001" : "p = " + fixed(p, 4)
  }

  /// A metric mean, in the metric's natural unit: a rate as a percentage, else 2–4 decimals.
  public static func mean(_ value: Double, isRate: Bool) -> String {
    if isRate { return percent(value, 2) }
    return abs(value) >= 100 ? grouped(value, 2) : fixed(value, 4)
  }

  /// A difference of means, signed, in the metric's unit (percentage points for rates).
  public static func difference(_ value: Double, isRate: Bool) -> String {
    if isRate {
      return signed(fixed(value * 100, 2)) + " pp"
    }
    return signed(abs(value) >= 100 ? grouped(value, 2) : fixed(value, 4))
  }

  /// Prefixes `+` to a formatted number unless it is negative or prints as zero.
  private static func signed(_ text: String) -> String {
    text.hasPrefix("-") || isZero(text) ? text : "+" + text
  }

  private static func isZero(_ text: String) -> Bool {
    text.allSatisfy { $0 == "0" || $0 == "." || $0 == "," }
  }

  private static func printf(_ format: String, _ precision: Int32, _ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    let written = withVaList([precision, value]) { arguments in
      buffer.withUnsafeMutableBufferPointer { pointer in
        vsnprintf(pointer.baseAddress, pointer.count, format, arguments)
      }
    }
    guard written >= 0 else { return "n/a" }
    return buffer.withUnsafeBufferPointer { pointer in
      String(decoding: pointer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
  }

  /// A relative effect and its interval: `+12.4% (+3.1% to +21.7%)`.
  public static func percentInterval(_ estimate: Double, _ lower: Double, _ upper: Double) -> String {
    "\(signedPercent(estimate)) (\(signedPercent(lower)) to \(signedPercent(upper)))"
  }
}
