import Ingest

/// A small thread-safe registry of counters, gauges and histograms, rendered in the Prometheus
/// text exposition format, version 0.0.4 (`/metrics`).
///
/// **Families.** Each metric is registered once, with its name, help text and label names, and
/// returns a handle (`Counter`, `Gauge`, `Histogram`) that updates a series by its label values.
/// A family without labels has its one series (at zero) from registration on; a labelled family
/// shows a series once it was first updated.
///
/// **Deterministic output.** `render()` writes families in registration order and each family's
/// series sorted by their label values, compared bytewise (UTF-8) one value after the other; no
/// dictionary order reaches the text.
///
/// **Cost.** An update takes the family's lock once and looks the series up by its label values.
/// Names and label names are checked at registration (a programmer error stops the process);
/// label values are any text, escaped when rendered.
public final class Metrics: Sendable {
  /// The `Content-Type` of `render()`'s text.
  public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  /// The fsync latency buckets, in seconds: 0.5 ms to 2.5 s.
  public static let fsyncBuckets: [Double] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  ]

  private let families = Locked<[Family]>([])

  public init() {}

  /// A counter: a value that only goes up (requests, bytes, events).
  public struct Counter: Sendable {
    let family: Family

    /// Adds `amount` (not negative) to the series with these label values, one per label name.
    public func increment(by amount: Double = 1, labels: [String] = []) {
      precondition(amount >= 0, "\(family.name): a counter cannot go down (\(amount))")
      family.update(labels) { $0.value += amount }
    }
  }

  /// A gauge: a value that goes up and down (open connections, free disk bytes).
  public struct Gauge: Sendable {
    let family: Family

    /// Sets the series with these label values.
    public func set(_ value: Double, labels: [String] = []) {
      family.update(labels) { $0.value = value }
    }

    /// Adds `amount` (negative to subtract) to the series with these label values.
    public func add(_ amount: Double, labels: [String] = []) {
      family.update(labels) { $0.value += amount }
    }
  }

  /// A histogram: observations counted into fixed buckets, with their sum and count.
  public struct Histogram: Sendable {
    let family: Family

    /// Counts `value` into the first bucket whose upper bound is at least `value` (the `+Inf`
    /// bucket when none is), adds it to the sum and counts it. A NaN lands only in `+Inf` and
    /// makes the sum NaN, as in Prometheus's own clients.
    public func observe(_ value: Double, labels: [String] = []) {
      let bounds = family.buckets
      var index = bounds.count
      for (i, bound) in bounds.enumerated() where value <= bound {
        index = i
        break
      }
      family.update(labels) { series in
        series.bucketCounts[index] += 1
        series.sum += value
        series.count += 1
      }
    }
  }

  /// Registers a counter.
  ///
  /// - Parameters:
  ///   - name: the metric's name, `[a-zA-Z_:][a-zA-Z0-9_:]*`, not registered before; by
  ///     convention ending in `_total`.
  ///   - help: one line saying what it counts.
  ///   - labels: the label names, `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`.
  public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
    Counter(
      family: register(Family(name: name, help: help, kind: .counter, labels: labels, buckets: [])))
  }

  /// Registers a gauge; the names follow `counter(_:help:labels:)`'s rules.
  public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
    Gauge(
      family: register(Family(name: name, help: help, kind: .gauge, labels: labels, buckets: [])))
  }

  /// Registers a histogram; the names follow `counter(_:help:labels:)`'s rules, and `le` is not
  /// a label name (it names the buckets).
  ///
  /// - Parameter buckets: the buckets' upper bounds, finite and strictly increasing; `+Inf` is
  ///   added.
  public func histogram(
    _ name: String, help: String, labels: [String] = [], buckets: [Double] = Metrics.fsyncBuckets
  ) -> Histogram {
    precondition(
      !labels.contains("le"), "\(name): `le` names a histogram's buckets; use another label name")
    precondition(
      buckets.allSatisfy(\.isFinite), "\(name): bucket bounds must be finite (+Inf is added)")
    precondition(
      zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "\(name): buckets must increase")
    return Histogram(
      family: register(
        Family(name: name, help: help, kind: .histogram, labels: labels, buckets: buckets)))
  }

  private func register(_ family: Family) -> Family {
    precondition(Metrics.isMetricName(family.name), "\(family.name): not a Prometheus metric name")
    for label in family.labels {
      precondition(
        Metrics.isLabelName(label), "\(family.name): \(label) is not a Prometheus label name")
    }
    families.withLock { families in
      precondition(
        !families.contains { $0.name == family.name }, "\(family.name) is registered twice")
      families.append(family)
    }
    return family
  }

  /// The registry's families, in registration order (`render()`).
  func registered() -> [Family] { families.withLock { $0 } }

  static func isMetricName(_ name: String) -> Bool {
    !name.isEmpty
      && name.utf8.enumerated().allSatisfy { i, byte in
        isLetterOrUnderscore(byte) || byte == UInt8(ascii: ":") || (i > 0 && isDigit(byte))
      }
  }

  static func isLabelName(_ name: String) -> Bool {
    !name.isEmpty && !name.hasPrefix("__")
      && name.utf8.enumerated().allSatisfy { i, byte in
        isLetterOrUnderscore(byte) || (i > 0 && isDigit(byte))
      }
  }

  private static func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
      || byte == UInt8(ascii: "_")
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }
}
