import MeasurementModel
import Statistics
import TestSupport
import Testing

/// The result types' own logic: exact sums whatever the order, examples chosen by key whatever
/// the order, and row accounting that adds up.
@Suite struct ExactSumsTests {
  /// Integer sums are the same in any order and give exactly the centred moments. The values sit
  /// near 10⁹ units (10¹⁵ micro-units) and differ by under one unit: in binary64, Σx² (about
  /// 2·10³³) minus (Σx)²/n cancels every significant digit, while the exact 128-bit sums keep the
  /// variance to the last digit.
  @Test func sumsAreOrderFreeAndTheMomentsExact() {
    var rng = SplitMix(seed: 25)
    var values: [(Int64, Int64)] = (0..<2_000).map { _ in
      (1_000_000_000_000_000 - Int64(rng.index(1_000_000)), Int64(rng.index(5)) * 1_000_000)
    }
    var a = ExactSums()
    for (x, p) in values { a.add(x, pre: p) }
    rng.shuffle(&values)
    var b = ExactSums()
    var c = ExactSums()
    for (k, (x, p)) in values.enumerated() {
      if k % 2 == 0 { b.add(x, pre: p) } else { c.add(x, pre: p) }
    }
    b.merge(c)
    #expect(a == b)
    // The variance from exact integers: M2 = (n·Σx² − (Σx)²)/n, in units².
    let n = Int128(values.count)
    let sx = values.reduce(Int128(0)) { $0 + Int128($1.0) }
    let sxx = values.reduce(Int128(0)) { $0 + Int128($1.0) * Int128($1.0) }
    let m2 = Double(n * sxx - sx * sx) / Double(n) / 1e12
    let moments = a.moments()
    #expect(moments.count == values.count)
    expectClose(moments.mean, Double(sx) / Double(n) / 1e6, relative: 1e-15)
    expectClose(moments.sampleVariance, m2 / Double(values.count - 1), relative: 1e-12)
    // What binary64 sums would have given: nothing like it.
    let naiveSum = values.reduce(0.0) { $0 + Double($1.0) / 1e6 }
    let naiveSquares = values.reduce(0.0) { $0 + (Double($1.0) / 1e6) * (Double($1.0) / 1e6) }
    let naive = (naiveSquares - naiveSum * naiveSum / Double(values.count)) / Double(values.count - 1)
    #expect(abs(naive - m2 / Double(values.count - 1)) > 0.5 * m2 / Double(values.count - 1), "binary64 was exact here: \(naive)")
  }
}

@Suite struct ExampleListTests {
  /// The kept examples are the `limit` smallest by key (user id, then detail, file, line), so any
  /// order of offers keeps the same ones, in the same order.
  @Test func theSmallestKeysAreKeptWhateverTheOrder() {
    let examples = (0..<50).map { k in
      ExampleList.Example(user: Array("u\(1_000 + (k * 37) % 50)".utf8), detail: "d\(k % 3)", file: "f.csv", line: k + 2)
    }
    var expected = ExampleList()
    for example in examples { expected.offer(example) }
    #expect(expected.examples.count == ExampleList.limit)
    #expect(expected.texts.allSatisfy { $0.hasPrefix("f.csv:") })
    var rng = SplitMix(seed: 7)
    for _ in 0..<20 {
      var shuffled = examples
      rng.shuffle(&shuffled)
      var list = ExampleList()
      for example in shuffled { list.offer(example) }
      #expect(list.texts == expected.texts)
    }
    // The smallest user id first.
    #expect(expected.examples.first?.user == Array("u1000".utf8))
  }
}

@Suite struct ReconciliationTests {
  /// Every row read has one fate; rejected rows also count under their reason.
  @Test func fatesAddUpToTheRowsRead() {
    var ledger = Reconciliation(role: "events", path: "/data/events.csv")
    for _ in 0..<5 { ledger.record(.used) }
    ledger.record(.duplicate, count: 3)
    ledger.reject(.badTimestamp, count: 2)
    #expect(ledger.rowsRead == 10)
    #expect(ledger[.used] == 5 && ledger[.duplicate] == 3 && ledger[.rejected] == 2)
    #expect(ledger[.badTimestamp] == 2)
    #expect(Reconciliation.Fate.allCases.reduce(0) { $0 + ledger[$1] } == ledger.rowsRead)
    var other = Reconciliation(role: "events", path: "/data/events.csv")
    other.record(.afterAsOf)
    ledger.merge(other)
    #expect(ledger.rowsRead == 11 && ledger[.afterAsOf] == 1)
  }
}
