import Statistics
import TextOutput

/// The Kaplan–Meier return curves of the HTML report.
extension SVGCharts {
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
}
