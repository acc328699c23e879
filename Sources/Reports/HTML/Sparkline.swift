/// Small text charts for Markdown: one block character per value (▁▂▃▄▅▆▇█), scaled between
/// `low` and `high`, so a trend reads at a glance in any Markdown viewer.
enum Sparkline {
  private static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// The sparkline of `values` on the scale [low, high] (non-finite values print as a space).
  static func render(_ values: [Double], low: Double, high: Double) -> String {
    let span = high - low
    return String(values.map { value -> Character in
      guard value.isFinite else { return " " }
      guard span > 0 else { return blocks[0] }
      let level = Int(((value - low) / span * 7).rounded())
      return blocks[max(0, min(7, level))]
    })
  }
}
