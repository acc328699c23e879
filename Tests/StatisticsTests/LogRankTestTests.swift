import Statistics
import TestSupport
import Testing

/// Log-rank test. Reference values: statistics.md#verification, R10 (lifelines 0.30.3
/// `logrank_test`) and lifelines 0.30.3 `multivariate_logrank_test` on a 3-group data set generated
/// by formula in Tests/StatisticsTests/Fixtures/reference_leaf_types.py.
@Suite struct LogRankTestTests {
  typealias Group = (times: [Double], events: [Bool])

  static let control: Group = (
    KaplanMeierTests.controlDays, KaplanMeierTests.controlEvent
  )
  static let treatment: Group = (
    KaplanMeierTests.treatmentDays, KaplanMeierTests.treatmentEvent
  )

  /// Group g ∈ {0, 1, 2}, user i: time = (i(7 + 2g) + 3g) mod (29 − 6g) + 1, returned unless
  /// i(3 + g) ≡ 0 (mod 5); 40, 35 and 30 users.
  static let threeGroups: [Group] = [40, 35, 30].enumerated().map { g, size in
    (
      (0..<size).map { i in Double((i * (7 + 2 * g) + 3 * g) % (29 - 6 * g) + 1) },
      (0..<size).map { i in (i * (3 + g)) % 5 != 0 }
    )
  }

  /// R10: χ² = 0.5203115162850007, p = 0.47070882826593474 on 1 df.
  @Test func twoGroupsMatchLifelines() throws {
    let test = LogRankTest(groups: [Self.control, Self.treatment])
    #expect(test.degreesOfFreedom == 1)
    expectClose(try #require(test.chiSquare.value), 0.5203115162850007, relative: 1e-12)
    expectClose(try #require(test.pValue.value), 0.47070882826593474, relative: 1e-12)
    #expect(test.observed == [9, 11])
    expectClose(test.expected.reduce(0, +), 20, relative: 1e-14)
    let swapped = LogRankTest(groups: [Self.treatment, Self.control])
    expectClose(try #require(swapped.chiSquare.value), 0.5203115162850007, relative: 1e-12)
  }

  /// lifelines `multivariate_logrank_test`: χ² = 16.742927878502304 on 2 df,
  /// p = 0.00023137658441965247.
  @Test func threeGroupsMatchLifelines() throws {
    let test = LogRankTest(groups: Self.threeGroups)
    #expect(test.degreesOfFreedom == 2)
    expectClose(try #require(test.chiSquare.value), 16.742927878502304, relative: 1e-12)
    expectClose(try #require(test.pValue.value), 0.00023137658441965247, relative: 1e-11)
    let differences = zip(test.observed, test.expected).map { Double($0) - $1 }
    expectClose(differences.reduce(0, +), 0, absolute: 1e-12)
  }

  /// Shuffling users within groups changes nothing; reordering the groups changes only which
  /// group is dropped from V, so χ² agrees to rounding.
  @Test func orderIndependent() throws {
    let reference = LogRankTest(groups: Self.threeGroups)
    let shuffled: [Group] = Self.threeGroups.map { group in
      let n = group.times.count
      let order = (0..<n).map { ($0 * 11 + 3) % n }
      return (order.map { group.times[$0] }, order.map { group.events[$0] })
    }
    #expect(LogRankTest(groups: shuffled) == reference)
    let statistic = try #require(reference.chiSquare.value)
    for permutation in [[1, 2, 0], [2, 0, 1], [0, 2, 1]] {
      let test = LogRankTest(groups: permutation.map { Self.threeGroups[$0] })
      expectClose(try #require(test.chiSquare.value), statistic, relative: 1e-12, "\(permutation)")
    }
  }

  @Test func degenerateInputsAreNotComputable() {
    let one = LogRankTest(groups: [Self.control])
    #expect(one.chiSquare.reason?.contains("at least two groups") == true)
    #expect(one.degreesOfFreedom == 0)
    #expect(LogRankTest(groups: []).pValue.reason != nil)
    let empty = LogRankTest(groups: [Self.control, ([], [])])
    #expect(empty.chiSquare.reason?.contains("no users") == true)
    let mismatched = LogRankTest(groups: [Self.control, ([1, 2], [true])])
    #expect(mismatched.chiSquare.reason?.contains("event flags") == true)
    let noReturns = LogRankTest(groups: [([1, 2], [false, false]), ([3], [false])])
    #expect(noReturns.chiSquare.reason?.contains("no user returned") == true)
    // The second group is censored before the first return: nothing to compare it with.
    let neverAtRisk = LogRankTest(groups: [([2, 3, 4], [true, true, false]), ([1, 1], [false, false])])
    #expect(neverAtRisk.chiSquare.reason?.contains("nobody at risk") == true)
    #expect(neverAtRisk.pValue == neverAtRisk.chiSquare.reason.map { .notComputable($0) })
    // Everyone returns at the one return time: (n − d)/(n − 1) = 0, so V = 0.
    let allAtOnce = LogRankTest(groups: [([1, 1], [true, true]), ([1], [true]), ([1], [true])])
    #expect(allAtOnce.chiSquare.reason?.contains("singular") == true)
  }
}
