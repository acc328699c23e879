import Foundation
import Testing
import TestSupport

/// report.json carries each arm's full sufficient statistics (n, Σx, Σx², Σpre, Σpre², Σx·pre),
/// so a reader can recompute CUPED from the report alone.
@Suite struct SufficientStatisticsTests {
  @Test func theCommittedReportsSumsRecomputeCUPEDsTheta() throws {
    let data = try #require(FileManager.default.contents(atPath: TestPaths.repository("reports/winback/report.json")))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let metrics = try #require(root["metrics"] as? [[String: Any]])
    let metric = try #require(metrics.first { $0["name"] as? String == "retained_d30" })
    let arms = try #require(metric["arms"] as? [[String: Any]])
    let comparison = try #require((metric["comparisons"] as? [[String: Any]])?.first)
    let cuped = try #require(comparison["cuped"] as? [String: Any])
    let theta = try #require(cuped["theta"] as? Double)
    // The first comparison is sms (arm 1) against holdout (arm 0), pooled: θ = s_xy / s²_pre,
    // and for a 0/1 metric s_xy = (Σx·pre − Σx·Σpre/n)/n and s²_pre = p(1 − p) (divisor n for
    // both, GrowthBook's compute_covariance since PR #4250).
    func total(_ key: String) -> Double { arms[0...1].reduce(0) { $0 + (($1[key] as? NSNumber)?.doubleValue ?? .nan) } }
    let n = total("n"), sx = total("sum"), sp = total("pre_sum"), sxp = total("sum_products")
    let p = sp / n
    #expect(total("pre_sum_squares") == sp, "a 0/1 pre-period: Σpre² = Σpre")
    let recomputed = ((sxp - sx * sp / n) / n) / (p * (1 - p))
    expectClose(recomputed, theta, relative: 1e-9, "θ from report.json's sums")
  }
}
