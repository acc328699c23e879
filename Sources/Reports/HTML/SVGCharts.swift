import Statistics
import TextOutput

/// Charts drawn as inline SVG (no scripts, no external files), each with a title and a text
/// alternative for screen readers. Coordinates are printed with fixed decimals, so the same
/// data always gives the same bytes.
enum SVGCharts {
  /// One row of a forest plot: a label, an estimate and its interval (relative lift).
  struct ForestRow {
    var label: String
    var estimate: Double
    var lower: Double
    var upper: Double
    /// `higher`, `lower` or `inconclusive` (colour).
    var reading: String
  }

  static func number(_ x: Double) -> String { NumberFormat.fixed(x, 1) }

  /// A forest plot of relative lifts with their intervals, a line at 0.
  static func forest(_ rows: [ForestRow], title: String, description: String) -> String {
    guard !rows.isEmpty else { return "" }
    let labelWidth = 260.0, plotWidth = 460.0, rowHeight = 26.0, top = 30.0
    let height = top + rowHeight * Double(rows.count) + 30
    let extent = min(3, max(0.05, rows.map { max(abs($0.lower), abs($0.upper)) }.filter(\.isFinite).max() ?? 0.1))
    func x(_ value: Double) -> Double {
      labelWidth + plotWidth / 2 + plotWidth / 2 * max(-1, min(1, value / extent))
    }
    var out = "<svg class=\"chart\" viewBox=\"0 0 \(number(labelWidth + plotWidth + 20)) \(number(height))\" role=\"img\" aria-labelledby=\"forest-title forest-desc\">\n"
    out += "<title id=\"forest-title\">\(HTMLText.escape(title))</title>\n<desc id=\"forest-desc\">\(HTMLText.escape(description))</desc>\n"
    out += "<line x1=\"\(number(x(0)))\" y1=\"\(number(top - 10))\" x2=\"\(number(x(0)))\" y2=\"\(number(height - 24))\" class=\"axis\"/>\n"
    for tick in [-extent, -extent / 2, extent / 2, extent] {
      out += "<text x=\"\(number(x(tick)))\" y=\"\(number(height - 8))\" class=\"tick\" text-anchor=\"middle\">\(HTMLText.escape(NumberFormat.signedPercent(tick, 0)))</text>\n"
    }
    out += "<text x=\"\(number(x(0)))\" y=\"\(number(height - 8))\" class=\"tick\" text-anchor=\"middle\">0</text>\n"
    for (i, row) in rows.enumerated() {
      let y = top + rowHeight * Double(i) + rowHeight / 2
      out += "<text x=\"4\" y=\"\(number(y + 4))\" class=\"label\">\(HTMLText.escape(row.label))</text>\n"
      out += "<line x1=\"\(number(x(row.lower)))\" y1=\"\(number(y))\" x2=\"\(number(x(row.upper)))\" y2=\"\(number(y))\" class=\"ci \(row.reading)\"/>\n"
      out += "<circle cx=\"\(number(x(row.estimate)))\" cy=\"\(number(y))\" r=\"4.5\" class=\"dot \(row.reading)\"/>\n"
    }
    return out + "</svg>\n"
  }

  /// Kaplan–Meier return curves (share of users returned by day) per arm, with bands.
  static func returnCurves(_ survival: SurvivalSummary, title: String, description: String) -> String {
    let width = 640.0, height = 300.0, left = 48.0, bottom = 36.0, top = 14.0, right = 130.0
    let maxShare = max(0.05, survival.curves.flatMap { $0.points.map { $0.band?.upper ?? $0.returned } }.max() ?? 0.05)
    let days = max(1, survival.days)
    func x(_ day: Double) -> Double { left + (width - left - right) * min(day, days) / days }
    func y(_ share: Double) -> Double { height - bottom - (height - bottom - top) * min(share, maxShare) / maxShare }
    var out = "<svg class=\"chart\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" aria-labelledby=\"km-title km-desc\">\n"
    out += "<title id=\"km-title\">\(HTMLText.escape(title))</title>\n<desc id=\"km-desc\">\(HTMLText.escape(description))</desc>\n"
    out += "<line x1=\"\(number(left))\" y1=\"\(number(y(0)))\" x2=\"\(number(width - right))\" y2=\"\(number(y(0)))\" class=\"axis\"/>\n"
    out += "<line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" y2=\"\(number(y(0)))\" class=\"axis\"/>\n"
    for k in 0...4 {
      let share = maxShare * Double(k) / 4
      out += "<text x=\"\(number(left - 6))\" y=\"\(number(y(share) + 4))\" class=\"tick\" text-anchor=\"end\">\(HTMLText.escape(NumberFormat.percent(share, 0)))</text>\n"
    }
    for day in stride(from: 0.0, through: days, by: max(1, (days / 6).rounded())) {
      out += "<text x=\"\(number(x(day)))\" y=\"\(number(height - bottom + 16))\" class=\"tick\" text-anchor=\"middle\">day \(Int(day))</text>\n"
    }
    for (i, curve) in survival.curves.enumerated() {
      let series = "s\(i % 6)"
      let start: [(Double, Double, (Double, Double)?)] = [(0, 0, (0, 0))]
      let points = start + curve.points.map { p -> (Double, Double, (Double, Double)?) in
        (p.day, p.returned, p.band.map { ($0.lower, $0.upper) })
      }
      let banded = points.compactMap { p in p.2.map { (p.0, $0) } }
      if banded.count > 1 {
        let upper = banded.map { "\(number(x($0.0))),\(number(y($0.1.1)))" }
        let lower = banded.reversed().map { "\(number(x($0.0))),\(number(y($0.1.0)))" }
        out += "<polygon points=\"\((upper + lower).joined(separator: " "))\" class=\"band \(series)\"/>\n"
      }
      // The curve is sampled at the summary's days; straight segments join the samples.
      let path = points.enumerated().map { k, p in "\(k == 0 ? "M" : "L")\(number(x(p.0))),\(number(y(p.1)))" }
      out += "<path d=\"\(path.joined(separator: " "))\" class=\"curve \(series)\"/>\n"
    }
    // Arm labels at the right end, spread apart so that close curves stay readable.
    var labels = survival.curves.enumerated().map { (index: $0.offset, y: y($0.element.points.last?.returned ?? 0) + 4) }
    labels.sort { $0.y < $1.y || ($0.y == $1.y && $0.index < $1.index) }
    for k in labels.indices.dropFirst() where labels[k].y < labels[k - 1].y + 13 { labels[k].y = labels[k - 1].y + 13 }
    for label in labels {
      out += "<text x=\"\(number(width - right + 6))\" y=\"\(number(label.y))\" class=\"label s\(label.index % 6)\">\(HTMLText.escape(survival.curves[label.index].arm))</text>\n"
    }
    return out + "</svg>\n"
  }

  /// Cumulative relative lift by week: the estimate as a line over an interval band, with 0
  /// marked. `points` are (label, estimate, lower, upper), oldest first; `id` keeps the title and
  /// description ids unique on the page.
  static func weekly(
    _ points: [(label: String, estimate: Double, lower: Double, upper: Double)], id: String, title: String,
    description: String
  ) -> String {
    guard !points.isEmpty else { return "" }
    let width = 640.0, height = 240.0, left = 56.0, right = 16.0, top = 14.0, bottom = 40.0
    let values = points.flatMap { [$0.lower, $0.upper, $0.estimate] }.filter(\.isFinite) + [0]
    let low = max(-3, values.min() ?? -0.1), high = min(3, values.max() ?? 0.1)
    let span = max(high - low, 0.02)
    func x(_ i: Int) -> Double {
      points.count == 1 ? (left + width - right) / 2 : left + (width - left - right) * Double(i) / Double(points.count - 1)
    }
    func y(_ v: Double) -> Double { top + (height - top - bottom) * (high - max(low, min(high, v))) / span }
    var out = "<svg class=\"chart\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">\n"
    out += "<title id=\"\(id)-title\">\(HTMLText.escape(title))</title>\n<desc id=\"\(id)-desc\">\(HTMLText.escape(description))</desc>\n"
    let upper = points.enumerated().map { "\(number(x($0.offset))),\(number(y($0.element.upper)))" }
    let lower = points.enumerated().reversed().map { "\(number(x($0.offset))),\(number(y($0.element.lower)))" }
    out += "<polygon points=\"\((upper + lower).joined(separator: " "))\" class=\"band s1\"/>\n"
    out += "<line x1=\"\(number(left))\" y1=\"\(number(y(0)))\" x2=\"\(number(width - right))\" y2=\"\(number(y(0)))\" class=\"axis\"/>\n"
    out += "<text x=\"\(number(left - 6))\" y=\"\(number(y(0) + 4))\" class=\"tick\" text-anchor=\"end\">0</text>\n"
    for v in [low, high] {
      out += "<text x=\"\(number(left - 6))\" y=\"\(number(y(v) + 4))\" class=\"tick\" text-anchor=\"end\">\(HTMLText.escape(NumberFormat.signedPercent(v, 0)))</text>\n"
    }
    let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(number(x($0.offset))),\(number(y($0.element.estimate)))" }
    out += "<path d=\"\(path.joined(separator: " "))\" class=\"curve s1\"/>\n"
    let step = max(1, points.count / 6)
    for (i, point) in points.enumerated() where i % step == 0 || i == points.count - 1 {
      out += "<text x=\"\(number(x(i)))\" y=\"\(number(height - bottom + 16))\" class=\"tick\" text-anchor=\"middle\">\(HTMLText.escape(point.label))</text>\n"
    }
    return out + "</svg>\n"
  }
}
