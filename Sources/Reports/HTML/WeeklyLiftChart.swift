import Statistics
import TextOutput

/// The weekly history's chart of the HTML report.
extension SVGCharts {
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
