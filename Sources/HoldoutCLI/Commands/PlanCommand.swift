import Reports
import Ingest
import Statistics
import TextOutput

/// `holdout plan`: how many users an experiment with an x % holdout needs to detect a relative
/// effect, or (with `--users`) the smallest effect it can detect
/// (statistics.md#holdout-plan-sample-size-and-detectable-effect).
///
/// Binary metrics take `--baseline p`; continuous ones `--mean μ --sd σ` (the same σ in both
/// arms). `--arms K` counts every arm including the holdout; the treatment arms share the rest
/// equally and the plan is for one treatment arm against the holdout. With `--sequential` the
/// plan uses the always-valid half-width h_N instead of z_{1−α/2}·SE, so the numbers hold when
/// the report is read every week.
enum PlanCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .plan)
    /// The option's number, or nil when absent; outside `range` (or not a number), a usage error
    /// that states the accepted range itself, so the message never misstates the cause.
    func number(_ name: String, _ range: ClosedRange<Double>, _ meaning: String) throws -> Double? {
      guard let text = args.value(name) else { return nil }
      guard let value = Double(text), range.contains(value) else {
        let bounds = "from \(NumberFormat.significant(range.lowerBound, 6)) to \(NumberFormat.significant(range.upperBound, 6))"
        throw CLIError.usage("--\(name) must be \(meaning), \(bounds); got '\(text)'")
      }
      return value
    }
    let baseline = try number("baseline", 1e-9...0.999_999, "a conversion rate (e.g. 0.04)")
    let mean = try number("mean", 1e-12...1e12, "a positive mean per user")
    let sd = try number("sd", 1e-12...1e12, "a positive standard deviation per user")
    let mde = try number("mde", 1e-6...100, "a relative effect (e.g. 0.10 for +10%)")
    let users = try number("users", 4...1e12, "a number of users")
    let holdout = try number("holdout", 1e-6...0.999_999, "the holdout share (e.g. 0.10)") ?? 0.1
    let arms = try number("arms", 2...100, "the number of arms including the holdout") ?? 2
    let alpha = try number("alpha", 1e-6...0.4999, "a significance level") ?? 0.05
    let power = try number("power", 0.5...0.999_999, "a power (e.g. 0.8)") ?? 0.8
    let tuning = try number("tuning", 10...1e12, "a number of users (N*)") ?? 5000
    // The holdout share in millionths, read from the text exactly: counts of users per arm are
    // computed in integers (0.07 × 1,167,100 is 81,697, not binary64's 81,697.000000000015).
    // A form Double reads but a decimal does not (hex, `0x1p-3`): the validated value, rounded.
    let holdoutMillionths = args.value("holdout").flatMap(Self.millionths) ?? Int64((holdout * 1e6).rounded())
    let sequential = args.flag("sequential")
    guard !args.positional.contains(where: { _ in true }) else {
      throw CLIError.usage("plan takes no positional arguments")
    }
    guard (baseline != nil) != (mean != nil || sd != nil) else {
      throw CLIError.usage("plan needs either --baseline P (a conversion rate) or --mean M --sd S")
    }
    if baseline == nil && (mean == nil || sd == nil) {
      throw CLIError.usage("a continuous metric needs both --mean and --sd")
    }
    guard (mde != nil) != (users != nil) else {
      throw CLIError.usage("give --mde R (to get the users needed) or --users N (to get the detectable effect)")
    }
    guard arms == arms.rounded() else { throw CLIError.usage("--arms must be a whole number") }
    /// Users per arm for `total` users: the holdout's share and each treatment arm's, rounded up
    /// (each arm gets at least its share), in exact integer arithmetic.
    func perArm(_ total: Int128) -> (control: Int128, treatment: Int128) {
      let million: Int128 = 1_000_000
      let c = Int128(holdoutMillionths), k = Int128(arms) - 1
      return ((total * c + million - 1) / million, (total * (million - c) + k * million - 1) / (k * million))
    }

    let shares = (control: holdout, treatment: (1 - holdout) / (arms - 1))
    var out = ""
    let metricText = baseline.map { "conversion rate \(NumberFormat.percent($0, 2))" }
      ?? "mean \(NumberFormat.significant(mean!, 6)) per user (sd \(NumberFormat.significant(sd!, 6)))"
    out += "Metric: \(metricText)\n"
    out += "Design: \(Int(arms)) arms, holdout \(NumberFormat.percent(holdout, 1)), each treatment arm \(NumberFormat.percent(shares.treatment, 1)); one treatment arm vs the holdout\n"
    out += "Test: two-sided alpha \(NumberFormat.significant(alpha, 4)), power \(NumberFormat.percent(power, 0)), "
      + (sequential ? "always-valid intervals (N* = \(NumberFormat.grouped(tuning))), safe to read weekly\n" : "fixed horizon (one look at the end)\n")

    let control: (mean: Double, sd: Double) =
      baseline.map { (mean: $0, sd: ($0 * (1 - $0)).squareRoot()) } ?? (mean!, sd!)
    func treatment(_ relative: Double) -> (mean: Double, sd: Double) {
      guard let baseline else { return (mean! * (1 + relative), sd!) }
      let p = baseline * (1 + relative)
      return (p, (max(0, p * (1 - p))).squareRoot())
    }
    func detectable(total: Double, relative: Double) -> Bool {
      let t = treatment(relative)
      let nC = shares.control * total, nT = shares.treatment * total
      let se = (control.sd * control.sd / nC + t.sd * t.sd / nT).squareRoot()
      let critical = sequential
        ? ConfidenceSequence.halfWidth(
          standardError: se, totalUsers: Int((nC + nT).rounded()), alpha: alpha, tuning: tuning) / se
        : Normal.quantile(1 - alpha / 2)
      return (critical + Normal.quantile(power)) * se <= abs(t.mean - control.mean)
    }

    if let mde {
      if let baseline, baseline * (1 + mde) >= 1 {
        throw CLIError.usage("a \(NumberFormat.percent(mde, 1)) lift on a \(NumberFormat.percent(baseline, 2)) baseline exceeds 100%")
      }
      let total: Double
      if sequential {
        total = bisect(low: 4, high: 1e13) { detectable(total: $0, relative: mde) }
      } else {
        // N = (z_{1−α/2} + z_power)²·(σ_C²/κ_C + σ_T²/κ_T)/δ², users over all arms.
        let t = treatment(mde)
        let plan = PowerPlan(alpha: alpha, power: power, holdoutFraction: holdout, arms: Int(arms))
        guard case .value(let users) = plan.usersNeeded(
          controlMean: control.mean, controlSD: control.sd, treatmentMean: t.mean, treatmentSD: t.sd)
        else { throw CLIError.usage("these inputs cannot be planned (no effect or no variance)") }
        total = Double(users)
      }
      guard total < 1e13 else { throw CLIError.usage("the effect is too small to detect with fewer than 1e13 users") }
      // Each arm rounded up to its share; the total is their sum, so the numbers add up.
      let counts = perArm(Int128(total.rounded(.up)))
      let sum = counts.control + (Int128(arms) - 1) * counts.treatment
      out += "Effect to detect: \(NumberFormat.signedPercent(mde, 1)) relative (\(NumberFormat.significant(control.mean, 6)) → \(NumberFormat.significant(treatment(mde).mean, 6)))\n\n"
      out += "Users needed: \(NumberFormat.grouped(Int(sum))) in total: \(NumberFormat.grouped(Int(counts.control))) in the holdout and \(NumberFormat.grouped(Int(counts.treatment))) per treatment arm.\n"
    } else if let users {
      let relative = bisect(low: 1e-6, high: 100) { detectable(total: users, relative: $0) }
      guard relative < 100 else { throw CLIError.usage("no effect up to +10,000% is detectable with \(NumberFormat.grouped(users)) users") }
      if let baseline, baseline * (1 + relative) >= 1 {
        out += "\nWith \(NumberFormat.grouped(users)) users no lift that keeps the rate below 100% is detectable.\n"
      } else {
        out += "\nWith \(NumberFormat.grouped(users)) users (\(NumberFormat.grouped(Int(Int128(users) * Int128(holdoutMillionths) / 1_000_000))) in the holdout) the smallest detectable effect is \(NumberFormat.signedPercent(relative, 1)) relative (\(NumberFormat.significant(control.mean, 6)) → \(NumberFormat.significant(treatment(relative).mean, 6))).\n"
      }
    }
    console.out(out)
    return 0
  }

  /// A share written as a decimal (`0.07`) in millionths (70,000), exactly: digits past the sixth
  /// are rounded, half away from zero (`Decimal.parseMicros`); nil when it is not a decimal.
  static func millionths(of text: String) -> Int64? {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { Decimal.parseMicros($0) }
  }

  /// The smallest x in [low, high] (to 1e-9 relative) for which `holds` is true, assuming it is
  /// monotone; `high` when it never holds.
  static func bisect(low: Double, high: Double, _ holds: (Double) -> Bool) -> Double {
    guard holds(high) else { return high }
    var (lo, hi) = (low, high)
    for _ in 0..<200 where hi - lo > 1e-9 * hi {
      let mid = (lo * hi).squareRoot() > lo && (lo * hi).squareRoot() < hi ? (lo * hi).squareRoot() : (lo + hi) / 2
      if holds(mid) { hi = mid } else { lo = mid }
    }
    return hi
  }
}
