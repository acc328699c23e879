import Statistics
import TestSupport
import Testing

/// Holm and Benjamini–Hochberg against statsmodels 0.15.0 `multipletests(p, method="holm" |
/// "fdr_bh")[1]`: the two vectors of statistics.md#verification (R8) plus shuffled, tied and capped
/// cases from Tests/StatisticsTests/Fixtures/reference_leaf_types.py.
@Suite struct MultipleTestingTests {
  static func expectAll(_ actual: [Double], _ expected: [Double], _ label: String) {
    #expect(actual.count == expected.count, "\(label): count")
    for (i, (a, e)) in zip(actual, expected).enumerated() {
      expectClose(a, e, relative: 1e-15, "\(label)[\(i)]")
    }
  }

  static let cases: [(name: String, p: [Double], holm: [Double], bh: [Double])] = [
    (
      "R8 five", [0.01, 0.02, 0.03, 0.04, 0.05],
      [0.05, 0.08, 0.09, 0.09, 0.09],
      [0.049999999999999996, 0.049999999999999996, 0.049999999999999996, 0.049999999999999996, 0.05]
    ),
    (
      "R8 eight", [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205],
      [
        0.008, 0.056, 0.23399999999999999, 0.23399999999999999, 0.23399999999999999,
        0.23399999999999999, 0.23399999999999999, 0.23399999999999999,
      ],
      [
        0.008, 0.032, 0.06720000000000001, 0.06720000000000001, 0.06720000000000001, 0.08,
        0.08457142857142856, 0.205,
      ]
    ),
    (
      "shuffled", [0.074, 0.001, 0.205, 0.041, 0.06, 0.008, 0.042, 0.039],
      [
        0.23399999999999999, 0.008, 0.23399999999999999, 0.23399999999999999, 0.23399999999999999,
        0.056, 0.23399999999999999, 0.23399999999999999,
      ],
      [
        0.08457142857142856, 0.008, 0.205, 0.06720000000000001, 0.08, 0.032, 0.06720000000000001,
        0.06720000000000001,
      ]
    ),
    (
      "ties", [0.03, 0.01, 0.03, 0.5, 0.01, 0.03, 0.9],
      [0.15, 0.07, 0.15, 1.0, 0.07, 0.15, 1.0],
      [
        0.041999999999999996, 0.035, 0.041999999999999996, 0.5833333333333334, 0.035,
        0.041999999999999996, 0.9,
      ]
    ),
    (
      "capped", [0.4, 0.9, 0.35, 0.6],
      [1.0, 1.0, 1.0, 1.0],
      [0.7999999999999999, 0.9, 0.7999999999999999, 0.7999999999999999]
    ),
  ]

  @Test func matchesStatsmodels() {
    for c in Self.cases {
      Self.expectAll(MultipleTesting.holm.adjust(c.p), c.holm, "\(c.name) holm")
      Self.expectAll(MultipleTesting.benjaminiHochberg.adjust(c.p), c.bh, "\(c.name) BH")
    }
  }

  /// Any permutation of the input permutes the output the same way, bit for bit.
  @Test func resultFollowsInputOrder() {
    let p = [0.03, 0.01, 0.03, 0.5, 0.01, 0.03, 0.9, 0.0, 1.0]
    for method in MultipleTesting.allCases {
      let reference = method.adjust(p)
      for shift in 1..<p.count {
        let permutation = p.indices.map { ($0 * 5 + shift) % p.count }
        let adjusted = method.adjust(permutation.map { p[$0] })
        #expect(adjusted == permutation.map { reference[$0] }, "\(method) shift \(shift)")
      }
    }
  }

  @Test func edgeCases() {
    for method in MultipleTesting.allCases {
      #expect(method.adjust([]) == [])
      #expect(method.adjust([0.03]) == [0.03])
      let odd = method.adjust([.nan, -0.1, 1.5, 0.02])
      #expect(odd.allSatisfy { $0 >= 0 && $0 <= 1 })
      #expect(odd[0] == 1 && odd[2] == 1 && odd[1] == 0)
    }
    #expect(MultipleTesting.holm.rawValue == "holm")
    #expect(MultipleTesting(rawValue: "benjamini_hochberg") == .benjaminiHochberg)
  }
}
