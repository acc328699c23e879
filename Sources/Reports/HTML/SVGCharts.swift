import Statistics
import TextOutput

/// Charts drawn as inline SVG (no scripts, no external files), each with a title and a text
/// alternative for screen readers. Coordinates are printed with fixed decimals, so the same
/// data always gives the same bytes. One file per chart: `ForestPlot.swift` (relative lifts with
/// their intervals), `ReturnCurvesChart.swift` (Kaplan–Meier), `WeeklyLiftChart.swift` (history).
enum SVGCharts {
  /// A coordinate, with one decimal.
  static func number(_ x: Double) -> String { NumberFormat.fixed(x, 1) }
}
