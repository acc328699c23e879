extension Metrics {
  /// The registry in the Prometheus text format 0.0.4: per family, in registration order,
  /// `# HELP` (backslash and newline escaped), `# TYPE`, then its series sorted by label values.
  /// A histogram series is its cumulative `_bucket{le="…"}` lines ending with `le="+Inf"`, then
  /// `_sum` and `_count`. Label values escape backslash, double quote and newline. Numbers are
  /// integers when they are whole (below 2^53), else Swift's shortest round-trip form (`0.0005`,
  /// `1e-05`), `+Inf`, `-Inf` or `NaN`.
  public func render() -> String {
    var text = ""
    for family in registered() {
      text += "# HELP \(family.name) \(Metrics.escapedHelp(family.help))\n"
      text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
      for (values, series) in family.sortedSeries() {
        let pairs = zip(family.labels, values).map { "\($0)=\"\(Metrics.escapedLabelValue($1))\"" }
        guard family.kind == .histogram else {
          text += family.name + Metrics.braced(pairs) + " " + Metrics.formatted(series.value) + "\n"
          continue
        }
        var cumulative: UInt64 = 0
        for (i, count) in series.bucketCounts.enumerated() {
          cumulative += count
          let bound = i < family.buckets.count ? Metrics.formatted(family.buckets[i]) : "+Inf"
          text +=
            family.name + "_bucket" + Metrics.braced(pairs + ["le=\"\(bound)\""])
            + " \(cumulative)\n"
        }
        text +=
          family.name + "_sum" + Metrics.braced(pairs) + " " + Metrics.formatted(series.sum) + "\n"
        text += family.name + "_count" + Metrics.braced(pairs) + " \(series.count)\n"
      }
    }
    return text
  }

  /// `{a="x",b="y"}`, or nothing for no labels.
  private static func braced(_ pairs: [String]) -> String {
    pairs.isEmpty ? "" : "{" + pairs.joined(separator: ",") + "}"
  }

  /// A number as the format writes it.
  static func formatted(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
    return value.description
  }

  /// A label value with `\`, `"` and newline escaped as `\\`, `\"` and `\n`.
  static func escapedLabelValue(_ value: String) -> String {
    escaped(value, quotes: true)
  }

  /// Help text with `\` and newline escaped as `\\` and `\n`.
  static func escapedHelp(_ help: String) -> String {
    escaped(help, quotes: false)
  }

  private static func escaped(_ text: String, quotes: Bool) -> String {
    guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x0A || (quotes && $0 == 0x22) }) else {
      return text
    }
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\"" where quotes: out += "\\\""
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
