import MeasurementModel
import Platforms
import Statistics
import TextOutput

/// The journey's data-quality checks (`holdout validate`, and the Checks section of every
/// report): each measured against a threshold from the experiment file's `validation` object.
///
/// A failed check means the comparison cannot be trusted as it stands (SRM, contamination, a
/// platform split that disagrees, imbalanced pre-periods) or the data needs fixing at the source
/// (duplicates, rejected rows, implausible dates). Checks whose inputs are absent (no messages,
/// no recorded split) are "not applicable", never silently passed.
public struct JourneyChecks: Sendable {
  /// One check's outcome.
  public struct Check: Sendable, Equatable {
    /// Pass, fail, or not applicable.
    public enum Status: String, Sendable, Equatable {
      case pass
      case fail
      case notApplicable = "not_applicable"
    }

    /// A stable key (`srm`, `contamination`, …).
    public let key: String
    /// What is checked, in words.
    public let title: String
    /// The outcome.
    public let status: Status
    /// What was measured, in words with numbers.
    public let measured: String
    /// The threshold, in words.
    public let threshold: String
    /// Examples (users, rows) for a failed check.
    public let examples: [String]
  }

  /// The checks in a fixed order.
  public let checks: [Check]

  /// True when any check failed.
  public var failed: Bool { checks.contains { $0.status == .fail } }

  /// Runs every check on `report`.
  public init(_ report: ExperimentReport) {
    let measurement = report.measurement
    let experiment = report.experiment
    let limits = experiment.validation
    var checks: [Check] = []
    func add(
      _ key: String, _ title: String, _ status: Check.Status, _ measured: String, _ threshold: String,
      _ examples: [String] = []
    ) {
      checks.append(Check(key: key, title: title, status: status, measured: measured, threshold: threshold, examples: examples))
    }
    func percent(_ x: Double) -> String { NumberFormat.percent(x, 2) }

    // Users in every arm: an empty cohort or arm leaves nothing to compare, however clean the
    // data looks otherwise.
    let empty = report.arms.filter { $0.users == 0 }.map(\.name)
    let total = report.arms.reduce(0) { $0 + $1.users }
    add(
      "users", "Every arm has users to compare", empty.isEmpty ? .pass : .fail,
      empty.isEmpty
        ? "smallest arm: \(Self.smallestArm(report))"
        : "\(Self.describeEmpty(empty, total: total)); \(Self.cohortAccount(measurement))",
      "at least 1 analysed user per arm")

    // Sample ratio.
    let srm = report.srm
    add(
      "srm", "Arm sizes match the configured split (sample ratio mismatch)",
      srm.verdict == .notEnoughData ? .notApplicable : (srm.verdict == .mismatch ? .fail : .pass),
      "χ² = \(NumberFormat.fixed(srm.chiSquare, 3)), p = \(NumberFormat.pValue(srm.pValue))",
      "p ≥ \(NumberFormat.significant(experiment.analysis.srmThreshold, 3))")

    // Exposure: contamination of the holdout and reach of the treatment arms.
    let control = experiment.controlIndex
    if measurement.exposure.isMeasured {
      let holdout = report.arms[control]
      let contaminated = holdout.exposed ?? 0
      let share = holdout.users > 0 ? Double(contaminated) / Double(holdout.users) : 0
      // A platform may write deliveries for holdout people that it never sends (Customer.io's
      // trap): if its export carries them, they look like contamination.
      let note = experiment.inputs?.messages.lazy.compactMap { PlatformFormat.of($0.format).holdoutDeliveryNote }.first
      let trapNote = contaminated > 0 ? note ?? "" : ""
      add(
        "contamination", "Holdout users were not reached by the journey",
        share > limits.maxContamination ? .fail : .pass,
        "\(NumberFormat.grouped(contaminated)) of \(NumberFormat.grouped(holdout.users)) holdout users reached (\(percent(share)))\(trapNote)",
        "at most \(percent(limits.maxContamination))")
      var lowest: (name: String, share: Double)? = nil
      for (index, arm) in report.arms.enumerated() where index != control && arm.users > 0 {
        let reach = Double(arm.exposed ?? 0) / Double(arm.users)
        if lowest == nil || reach < lowest!.share { lowest = (arm.name, reach) }
      }
      if let lowest {
        add(
          "exposure", "Treatment users were reached (exposure rate)",
          lowest.share < limits.minExposure ? .fail : .pass,
          "lowest reach: \(lowest.name) \(percent(lowest.share))", "at least \(percent(limits.minExposure)) per treatment arm")
      }
      let findings = measurement.findings
      let exposures = findings.exposuresAfterEntry + findings.exposuresBeforeEntry
      let before = exposures > 0 ? Double(findings.exposuresBeforeEntry) / Double(exposures) : 0
      add(
        "exposure_before_entry", "Messages are not dated before the user entered the journey",
        before > limits.maxExposureBeforeEntry ? .fail : .pass,
        "\(NumberFormat.grouped(findings.exposuresBeforeEntry)) of \(NumberFormat.grouped(exposures)) exposure events (\(percent(before)))",
        "at most \(percent(limits.maxExposureBeforeEntry))")
    } else {
      for (key, title) in [
        ("contamination", "Holdout users were not reached by the journey"),
        ("exposure", "Treatment users were reached (exposure rate)"),
        ("exposure_before_entry", "Messages are not dated before the user entered the journey"),
      ] {
        add(key, title, .notApplicable, "no messages input", "–")
      }
    }

    // The recorded split: the cohort's arm column, the platform's holdout markers, users in
    // several arms.
    let split = measurement.split
    if split.isRecorded && !split.isHashChecked {
      add(
        "split_disagreement", "The recorded split agrees with the experiment's hash", .notApplicable,
        "not checked: the warehouse query takes the recorded arm as it is", "–")
      add(
        "several_arms", "No user is listed in several arms", split.usersInSeveralArms > 0 ? .fail : .pass,
        "\(NumberFormat.grouped(split.usersInSeveralArms)) users listed with different arms", "none")
    } else if split.isRecorded, let rate = split.disagreementRate {
      add(
        "split_disagreement", "The recorded split agrees with the experiment's hash",
        rate > limits.maxSplitDisagreement ? .fail : .pass,
        "\(NumberFormat.grouped(split.disagreements)) of \(NumberFormat.grouped(split.agreements + split.disagreements)) users disagree (\(percent(rate)))",
        "at most \(percent(limits.maxSplitDisagreement))", split.examples)
      add(
        "several_arms", "No user is listed in several arms", split.usersInSeveralArms > 0 ? .fail : .pass,
        "\(NumberFormat.grouped(split.usersInSeveralArms)) users listed with different arms", "none",
        split.severalArmExamples)
    } else {
      add("split_disagreement", "The recorded split agrees with the experiment's hash", .notApplicable, "no recorded arm column", "–")
      add("several_arms", "No user is listed in several arms", .notApplicable, "no recorded arm column", "–")
    }
    let marks = measurement.findings.platformControl
    add(
      "platform_holdout", "The platform's holdout markers are all in the control arm",
      marks.marked == 0 ? .notApplicable : (marks.inTreatmentArms > 0 ? .fail : .pass),
      marks.marked == 0
        ? "no holdout markers in the inputs"
        : "\(NumberFormat.grouped(marks.inTreatmentArms)) of \(NumberFormat.grouped(marks.marked)) marked users are in treatment arms",
      "none in treatment arms", marks.examples)

    // Identity and rows.
    let findings = measurement.findings
    // Per source: a folder's files together (thousands of small hourly files would otherwise
    // make one file's few rows decide the check, and the same rows delivered as one file and as
    // a folder must pass or fail alike). The totals over sources are the totals over files.
    let sources = report.inputGroups.filter { $0.role == "messages" || $0.role == "events" }.map(\.total)
    let eventRows = sources.reduce(0) { $0 + $1.rowsRead }
    let ambiguous = sources.reduce(0) { $0 + $1[.ambiguousIdentity] }
    let ambiguousShare = eventRows > 0 ? Double(ambiguous) / Double(eventRows) : 0
    add(
      "identity_collisions", "Few events carry an alias shared by several units",
      ambiguousShare > limits.maxAmbiguousEvents ? .fail : .pass,
      "\(NumberFormat.grouped(findings.identityCollisions)) shared aliases; \(NumberFormat.grouped(ambiguous)) events carry one (\(percent(ambiguousShare)))",
      "at most \(percent(limits.maxAmbiguousEvents)) of events", findings.collisionExamples)
    var worstDuplicates: (file: String, share: Double)? = nil
    var worstRejected: (file: String, share: Double)? = nil
    for file in sources where file.rowsRead > 0 {
      let name = file.source ?? file.name
      let duplicates = Double(file[.duplicate]) / Double(file.rowsRead)
      let rejected = Double(file[.rejected]) / Double(file.rowsRead)
      if worstDuplicates == nil || duplicates > worstDuplicates!.share { worstDuplicates = (name, duplicates) }
      if worstRejected == nil || rejected > worstRejected!.share { worstRejected = (name, rejected) }
    }
    if let worst = worstDuplicates {
      add(
        "duplicates", "Few duplicate events", worst.share > limits.maxDuplicates ? .fail : .pass,
        "highest: \(worst.file) \(percent(worst.share)) of rows", "at most \(percent(limits.maxDuplicates)) per source",
        findings.conflictExamples)
    }
    if let worst = worstRejected {
      let examples = sources.flatMap { $0.examples.flatMap { $0 } }.prefix(Reconciliation.exampleLimit)
      add(
        "rejected_rows", "Few unreadable rows", worst.share > limits.maxRejected ? .fail : .pass,
        "highest: \(worst.file) \(percent(worst.share)) of rows", "at most \(percent(limits.maxRejected)) per source",
        Array(examples))
    }
    add(
      "implausible_dates", "No event is dated before 2000-01-01 or more than 30 days after as_of",
      findings.timesBeforeFloor + findings.timesFarAfterAsOf > 0 ? .fail : .pass,
      "\(NumberFormat.grouped(findings.timesBeforeFloor)) before 2000, \(NumberFormat.grouped(findings.timesFarAfterAsOf)) in the future of as_of",
      "none (usually a unit mistake: seconds read as milliseconds or the reverse)")

    // Pre-period balance: randomization should make arms' pre-entry behaviour alike.
    var worstBalance: (metric: String, arm: String, p: Double)? = nil
    for metric in measurement.metrics {
      let reference = metric.arms[control]
      for (index, arm) in metric.arms.enumerated() where index != control {
        guard reference.count > 1, arm.count > 1 else { continue }
        let v1 = reference.preM2 / Double(reference.count - 1) / Double(reference.count)
        let v2 = arm.preM2 / Double(arm.count - 1) / Double(arm.count)
        guard v1 + v2 > 0 else { continue }
        let z = (arm.preMean - reference.preMean) / (v1 + v2).squareRoot()
        let p = 2 * Normal.sf(abs(z))
        if worstBalance == nil || p < worstBalance!.p {
          worstBalance = (metric.definition.name, experiment.arms[index].name, p)
        }
      }
    }
    if let worst = worstBalance {
      add(
        "pre_period_balance", "Arms behaved alike before entry (pre-period means)",
        worst.p < limits.preImbalanceP ? .fail : .pass,
        "smallest p: \(worst.metric), \(worst.arm) vs \(experiment.arms[control].name), p = \(NumberFormat.pValue(worst.p))",
        "p ≥ \(NumberFormat.significant(limits.preImbalanceP, 3))")
    } else {
      add("pre_period_balance", "Arms behaved alike before entry (pre-period means)", .notApplicable, "no pre-period data", "–")
    }
    add(
      "late_data", "Share of late-arriving data", .notApplicable,
      "not measurable: the inputs carry no arrival time", "–")
    self.checks = checks
  }
  /// The warning at the top of a report when an arm (or the whole cohort) has no analysed
  /// users, in plain text; nil when every arm has users.
  public static func emptyArmsWarning(_ report: ExperimentReport) -> String? {
    let empty = report.arms.filter { $0.users == 0 }.map(\.name)
    guard !empty.isEmpty else { return nil }
    let total = report.arms.reduce(0) { $0 + $1.users }
    return "\(describeEmpty(empty, total: total)) (\(cohortAccount(report.measurement))), so there is nothing to compare and no result below means anything. Check the cohort file, its entry times and as_of."
  }

  /// The smallest arm by analysed users, as `name n`.
  private static func smallestArm(_ report: ExperimentReport) -> String {
    guard let smallest = report.arms.min(by: { $0.users < $1.users }) else { return "no arms" }
    return "\(smallest.name) \(NumberFormat.grouped(smallest.users)) users"
  }

  /// `no user is analysed` or `arm x has no analysed users`.
  private static func describeEmpty(_ names: [String], total: Int) -> String {
    if total == 0 { return "no user is analysed" }
    let list = names.joined(separator: ", ")
    return names.count == 1 ? "arm \(list) has no analysed users" : "arms \(list) have no analysed users"
  }

  /// Where the cohort's rows went, for an empty-arm message: `the cohort file has 0 data rows`
  /// or `of its 40 rows: 38 entered after as_of, 2 rejected`.
  static func cohortAccount(_ measurement: Measurement) -> String {
    guard let cohort = measurement.files.first(where: { $0.role == "cohort" }) else { return "no cohort file" }
    guard cohort.rowsRead > 0 else { return "the cohort file has no data rows: it is empty or only a header" }
    let fates = Reconciliation.Fate.allCases.filter { cohort[$0] > 0 }
      .map { "\(NumberFormat.grouped(cohort[$0])) \($0.label)" }
    return "of the cohort's \(NumberFormat.grouped(cohort.rowsRead)) rows: " + fates.joined(separator: ", ")
  }
}
