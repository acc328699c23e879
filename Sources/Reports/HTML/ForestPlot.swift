import Statistics
import TextOutput

/// The forest plot of the HTML report's metrics: each comparison's relative lift as a dot with
/// its interval, a line at 0.
extension SVGCharts {
  /// One row of a forest plot: a label, an estimate and its interval (relative lift).
  struct ForestRow {
    var label: String
    var estimate: Double
    var lower: Double
    var upper: Double
    /// `higher`, `lower` or `inconclusive` (colour).
    var reading: String
  }

  /// A forest plot of relative lifts with their intervals, a line at 0.
  static func forest(_ rows: [ForestRow], title: String, description: String) -> String {
    guard !rows.isEmpty else { return "" }
    let labelWidth = 260.0, plotWidth = 460.0, rowHeight = 26.0, top = 30.0
    let height = top + rowHeight * Double(rows.count) + 30
    // The axis holds every interval up to ±300% and every estimate, however large: a dot is
    // never drawn at the edge in place of its value (a guardrail's +612% used to sit at +300%).
    let bounds = min(3, max(0.05, rows.map { max(abs($0.lower), abs($0.upper)) }.filter(\.isFinite).max() ?? 0.1))
    let extent = max(bounds, rows.map { abs($0.estimate) }.filter(\.isFinite).max() ?? 0)
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
}
