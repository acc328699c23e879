import Ingest

extension Metrics {
  /// One registered metric and its series, by label values.
  final class Family: Sendable {
    enum Kind: String, Sendable { case counter, gauge, histogram }

    /// One series' state: `value` for counters and gauges; the rest for histograms.
    struct Series: Sendable {
      var value: Double = 0
      /// Per bucket, not cumulative, the last one `+Inf`'s own.
      var bucketCounts: [UInt64]
      var sum: Double = 0
      var count: UInt64 = 0
    }

    let name: String
    let help: String
    let kind: Kind
    let labels: [String]
    let buckets: [Double]
    private let series: Locked<[[String]: Series]>

    init(name: String, help: String, kind: Kind, labels: [String], buckets: [Double]) {
      self.name = name
      self.help = help
      self.kind = kind
      self.labels = labels
      self.buckets = buckets
      let initial: [[String]: Series] =
        labels.isEmpty
        ? [[]: Series(bucketCounts: Array(repeating: 0, count: buckets.count + 1))] : [:]
      series = Locked(initial)
    }

    /// Applies `change` to the series with `values`, created at zero if new.
    func update(_ values: [String], _ change: (inout Series) -> Void) {
      precondition(
        values.count == labels.count,
        "\(name) has labels \(labels) but was given \(values.count) value(s)")
      let empty = buckets.count + 1
      series.withLock { all in
        change(&all[values, default: Series(bucketCounts: Array(repeating: 0, count: empty))])
      }
    }

    /// A copy of the series, sorted by label values compared bytewise one after the other.
    func sortedSeries() -> [(values: [String], series: Series)] {
      let copy = series.withLock { $0 }
      return copy.map { (values: $0.key, series: $0.value) }.sorted { a, b in
        for (x, y) in zip(a.values, b.values) where x != y {
          return Array(x.utf8).lexicographicallyPrecedes(y.utf8)
        }
        return false
      }
    }
  }
}
