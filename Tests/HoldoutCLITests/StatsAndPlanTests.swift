import Foundation
@testable import HoldoutCLI
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// `holdout plan` against statistics.md#verification (R9) and `holdout stats` against gbstats
/// (statistics.md#holdout-stats-statistics-from-aggregates).
@Suite struct PlanCommandTests {
  @Test func binaryAndContinuousSampleSizesMatchR9() {
    // R9: binary_N_total_unpooled 211,300.56 → 211,301; per arm 10% → 21,131 and 90% → 190,171
    // (each rounded up to whole users), whose sum, 211,302, is the total printed: the numbers add
    // up. continuous_N_total 218,024.44 → 218,025, per arm 21,803 and 196,223 → 218,026.
    let binary = CapturedRun(["plan", "--baseline", "0.04", "--mde", "0.10", "--holdout", "0.10"])
    #expect(binary.status == 0, "\(binary.err)")
    #expect(binary.out.contains("Users needed: 211,302 in total: 21,131 in the holdout and 190,171 per treatment arm."), "\(binary.out)")
    let continuous = CapturedRun(["plan", "--mean", "20", "--sd", "50", "--mde", "0.05", "--holdout", "0.10"])
    #expect(continuous.out.contains("Users needed: 218,026 in total: 21,803 in the holdout and 196,223 per treatment arm."), "\(continuous.out)")
  }

  @Test func usersGiveBackTheDetectableEffectAndPeekingCostsUsers() {
    let mde = CapturedRun(["plan", "--baseline", "0.04", "--users", "211301", "--holdout", "0.10"])
    #expect(mde.out.contains("smallest detectable effect is +10.0% relative"), "\(mde.out)")
    let sequential = CapturedRun(["plan", "--baseline", "0.04", "--mde", "0.10", "--holdout", "0.10", "--sequential"])
    let line = sequential.out.split(separator: "\n").first { $0.hasPrefix("Users needed: ") } ?? ""
    let digits = line.dropFirst("Users needed: ".count).prefix { $0.isNumber || $0 == "," }.filter(\.isNumber)
    let users = Int(String(digits)) ?? 0
    // The always-valid half-width is 1.55–1.87 z-SEs, so roughly 2.4–3.6× the fixed-horizon users.
    #expect(users > 2 * 211_301 && users < 4 * 211_301, "\(sequential.out)")
  }

  /// Per-arm counts are exact shares of the total, in integers: 41% of 5,000,000 is 2,050,000
  /// (binary64 gave 2,049,999), and the arms add up to the total printed (21,131 + 190,171 was
  /// printed as 211,301).
  @Test func perArmCountsAreExactSharesThatAddUp() throws {
    let users = CapturedRun(["plan", "--baseline", "0.04", "--users", "5000000", "--holdout", "0.41"])
    #expect(users.out.contains("With 5,000,000 users (2,050,000 in the holdout)"), "\(users.out)")
    for (holdout, arms) in [("0.07", 2), ("0.10", 2), ("0.41", 3), ("0.2", 4), ("0.1", 8)] {
      let run = CapturedRun(["plan", "--baseline", "0.04", "--mde", "0.10", "--holdout", holdout, "--arms", String(arms)])
      let line = try #require(run.out.split(separator: "\n").first { $0.hasPrefix("Users needed: ") }, "\(run.out)\(run.err)")
      let numbers = line.split(whereSeparator: { !$0.isNumber && $0 != "," }).compactMap { Int($0.filter(\.isNumber)) }
      #expect(numbers.count == 3, "\(line)")
      guard numbers.count == 3 else { continue }
      let (total, control, treatment) = (numbers[0], numbers[1], numbers[2])
      #expect(control + (arms - 1) * treatment == total, "\(holdout), \(arms) arms: \(line)")
    }
  }

  /// A share Double reads but a decimal does not (hex) is used as given, never a silent 10 %.
  @Test func aHexadecimalHoldoutShareIsUsedAsGiven() {
    let run = CapturedRun(["plan", "--baseline", "0.04", "--mde", "0.10", "--holdout", "0x1p-3"])
    #expect(run.out.contains("holdout 12.5%"), "\(run.out)")
    #expect(run.out.contains("Users needed: 174,283 in total: 21,786 in the holdout and 152,497 per treatment arm."), "\(run.out)")
  }

  @Test func outOfRangeNumbersSayTheRangeTheyMissed() {
    let tiny = CapturedRun(["plan", "--baseline", "1e-12", "--mde", "0.1"])
    #expect(tiny.status == 64)
    #expect(tiny.err.contains("from 1e-09 to 0.999999; got '1e-12'"), "\(tiny.err)")
    let huge = CapturedRun(["plan", "--baseline", "0.04", "--users", "1e30"])
    #expect(huge.err.contains("from 4 to 1e+12; got '1e30'"), "\(huge.err)")
  }

  @Test func badPlansAreUsageErrors() {
    #expect(CapturedRun(["plan", "--baseline", "0.04"]).status == 64)
    #expect(CapturedRun(["plan", "--baseline", "1.5", "--mde", "0.1"]).status == 64)
    #expect(CapturedRun(["plan", "--baseline", "0.6", "--mde", "1.0"]).status == 64)
    #expect(CapturedRun(["plan", "--mean", "3", "--mde", "0.1"]).status == 64)
  }
}

@Suite struct StatsCommandTests {
  static func json(_ csv: String, _ extra: [String]) throws -> [String: Any] {
    let scratch = Scratch()
    let path = scratch.write("sums.csv", csv)
    let run = CapturedRun(["stats", path, "--control", "holdout", "--format", "json"] + extra)
    #expect(run.status == 0, "\(run.err)")
    let data = Data(run.out.utf8)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func absolute(_ root: [String: Any]) throws -> [String: Double] {
    let metrics = try #require(root["metrics"] as? [[String: Any]])
    let comparisons = try #require(metrics.first?["comparisons"] as? [[String: Any]])
    let absolute = try #require(comparisons.first?["absolute"] as? [String: Any])
    return absolute.compactMapValues { ($0 as? NSNumber)?.doubleValue }
  }

  static let strong = "metric,kind,arm,n,sum,sum_squares\nconv,conversion,holdout,10000,420,420\nconv,conversion,sms,90000,4500,4500\n"

  /// R13 "strong" case (gbstats): fixed horizon and N* = 5,000. JSON carries 12 significant
  /// digits, so the tolerance is 1e-11 relative.
  @Test func aggregatesGiveGbstatsNumbers() throws {
    let fixed = try Self.absolute(Self.json(Self.strong, []))
    expectClose(fixed["ci_low"]!, 0.003818224640877537, relative: 1e-10)
    expectClose(fixed["ci_high"]!, 0.012181775359122463, relative: 1e-10)
    expectClose(fixed["p_value"]!, 0.0001776932929391517, relative: 1e-9)
    let sequential = try Self.absolute(Self.json(Self.strong, ["--sequential", "--tuning", "5000"]))
    expectClose(sequential["ci_low"]!, 0.0008811620440476228, relative: 1e-9)
    expectClose(sequential["ci_high"]!, 0.015118837955952378, relative: 1e-10)
    expectClose(sequential["p_value"]!, 0.011677419069029962, relative: 1e-9)
  }

  @Test func aHugeArmCountIsNotCalledANonInteger() {
    let scratch = Scratch()
    let path = scratch.write("sums.csv", "metric,kind,arm,n,sum,sum_squares\nconv,conversion,holdout,12345678901234567890123,10,10\nconv,conversion,sms,100,20,20\n")
    let run = CapturedRun(["stats", path, "--control", "holdout"])
    #expect(run.status == 65)
    #expect(run.err.contains("is larger than any arm can be (at most 9,223,372,036,854,775,807)"), "\(run.err)")
  }

  @Test func badRowsSayWhere() {
    let scratch = Scratch()
    let bad = scratch.write("bad.csv", "metric,kind,arm,n,sum,sum_squares\nconv,conversion,holdout,100,120,120\nconv,conversion,sms,100,5,5\n")
    let run = CapturedRun(["stats", bad, "--control", "holdout"])
    #expect(run.status == 65)
    #expect(run.err.contains("bad.csv:2: a conversion sum counts converters"), "\(run.err)")
    let noControl = scratch.write("nocontrol.csv", "metric,kind,arm,n,sum,sum_squares\nconv,mean,a,100,5,9\nconv,mean,b,100,5,9\n")
    let missing = CapturedRun(["stats", noControl, "--control", "holdout"])
    #expect(missing.status == 65)
    #expect(missing.err.contains("no row for the control arm 'holdout'"), "\(missing.err)")
  }
}

/// `--threads` and `--quiet` on `holdout report`.
@Suite struct ThreadsOptionTests {
  static let experiment = TestPaths.repository("fixtures/winback/experiment.json")

  @Test func reportsAreIdenticalForAnyThreadCountAndBadCountsAreUsageErrors() throws {
    let one = CapturedRun(["report", Self.experiment, "--format", "json", "--threads", "1", "--quiet"])
    let two = CapturedRun(["report", Self.experiment, "--format", "json", "--threads", "2"])
    #expect(one.status == 0 && two.status == 0, "\(one.err)\(two.err)")
    #expect(one.out == two.out)
    #expect(!one.out.isEmpty)
    for bad in ["0", "-1", "many", "1000"] {
      #expect(CapturedRun(["report", Self.experiment, "--threads", bad]).status == 64, "--threads \(bad)")
    }
  }
}

/// Progress on standard error: phases and inputs on a terminal, nothing otherwise or with
/// `--quiet`, never on standard output.
@Suite struct ProgressTests {
  static let experiment = TestPaths.repository("fixtures/winback/experiment.json")

  @Test func terminalShowsPhasesAndInputsAndClearsTheLine() {
    let run = CapturedRun(["report", Self.experiment, "--format", "json"], terminal: true)
    #expect(run.status == 0, "\(run.err)")
    for phase in ["loading cohort cohort.csv", "reading messages.csv: 1.7 of 1.7 MiB (100%)", "reading events.csv:", "computing statistics"] {
      #expect(run.err.contains(phase), "\(phase) in \(run.err.debugDescription)")
    }
    #expect(run.err.hasSuffix("\r\u{1B}[K"))
    #expect(!run.out.contains("\u{1B}"))
    let quiet = CapturedRun(["report", Self.experiment, "--format", "json", "--quiet"], terminal: true)
    let plain = CapturedRun(["report", Self.experiment, "--format", "json"])
    #expect(!quiet.err.contains("\u{1B}") && !plain.err.contains("\u{1B}"))
    #expect(quiet.out == run.out && plain.out == run.out)
  }

  @Test func linesNameSizeShareAndRate() {
    let reading = MeasurementProgress.reading(path: "data/events.csv", bytes: 512 << 20, totalBytes: 1_210 << 20)
    #expect(ProgressMeter.describe(reading, bytesPerSecond: 140 * 1_048_576) == "reading events.csv: 512 of 1,210 MiB (42%), 140 MiB/s")
    let piped = MeasurementProgress.reading(path: "events.json.gz", bytes: 3 << 20, totalBytes: nil)
    #expect(ProgressMeter.describe(piped, bytesPerSecond: nil) == "reading events.json.gz: 3.0 MiB")
    #expect(ProgressMeter.describe(.statistics, bytesPerSecond: nil) == "computing statistics")
  }
}
