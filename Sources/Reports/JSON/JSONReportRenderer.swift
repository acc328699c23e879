import Ingest
import MeasurementModel
import Statistics
import TextOutput

/// Renders `report.json`: every number the Markdown report shows, in the documented shape
/// (docs/report-json.md). Effects that cannot be computed carry `null` numbers and a
/// `not_computable` reason.
public enum JSONReportRenderer {
  /// The JSON text of `report`.
  /// The per-file accounts of a folder (thousands of lines) are written on up to `threads`
  /// threads; the text is the same for any thread count.
  public static func render(_ report: ExperimentReport, threads: Int = 1) -> String {
    document(report, threads: threads).serialized()
  }

  /// The JSON document of `report`.
  public static func document(_ report: ExperimentReport, threads: Int = 1) -> JSONValue {
    let experiment = report.experiment
    let measurement = report.measurement
    var root: [(String, JSONValue)] = [
      ("experiment", .string(experiment.key)),
      ("as_of", .string(Timestamp.format(report.asOf))),
      ("alpha", .number(report.alpha)),
      ("hash", .object([
        ("salt", .string(experiment.salt)), ("version", .int(experiment.hashVersion.rawValue)),
        ("coverage", .number(experiment.coverage)),
      ])),
    ]
    if let range = measurement.entryRange {
      root.append(("entries", .object([
        ("first", .string(Timestamp.format(range.first))),
        ("last", .string(Timestamp.format(range.last))),
      ])))
    }
    root.append(("analysis", analysis(experiment.analysis)))
    root.append(("arms", .array(report.arms.map(arm))))
    root.append(("srm", srm(report.srm)))
    root.append(("metrics", .array(report.metrics.map { metric($0) })))
    root.append(("survival", report.survival.map(survival) ?? .null))
    root.append(("segments", .array(report.segments.map { segment($0, report: report) })))
    root.append(("exposure", exposure(measurement)))
    root.append(("split", split(measurement.split)))
    root.append(("data", data(measurement, threads: threads)))
    root.append(("checks", checks(report)))
    if let weeks = report.history { root.append(("history", Self.history(weeks))) }
    return .object(root)
  }

  private static func arm(_ row: ExperimentReport.ArmRow) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("name", .string(row.name)), ("control", .bool(row.isControl)),
      ("weight", .number(row.weight)), ("users", .int(row.users)),
    ]
    if let exposed = row.exposed {
      members.append(("exposed", .int(exposed)))
      members.append(
        ("exposure_rate", row.users > 0 ? .number(Double(exposed) / Double(row.users)) : .null))
    }
    return .object(members)
  }

  private static func srm(_ test: SampleRatioTest) -> JSONValue {
    .object([
      ("chi_square", .number(test.chiSquare)), ("df", .int(test.degreesOfFreedom)),
      ("p_value", .number(test.pValue)), ("ok", .bool(test.verdict != .mismatch)),
      ("verdict", .string(test.verdict.rawValue)),
      ("expected", .array(test.expected.map { .number($0) })),
    ])
  }

  /// One metric's object (also the shape `holdout stats` prints, with its own kind label).
  static func metric(_ result: ExperimentReport.MetricResult, kindLabel: String? = nil) -> JSONValue {
    let definition = result.definition
    var members: [(String, JSONValue)] = [
      ("name", .string(definition.name)), ("kind", .string(kindLabel ?? definition.kind.rawValue)),
      ("role", .string(definition.role.rawValue)),
      ("events", .array(definition.events.map { .string($0) })),
      ("window_days", .number(definition.windowDays)),
    ]
    if definition.kind == .retention { members.append(("day", .number(definition.day))) }
    if let harmful = definition.harmful { members.append(("harmful", .string(harmful.rawValue))) }
    if let cap = definition.cap { members.append(("cap", .number(cap))) }
    if let level = definition.capPercentile { members.append(("cap_percentile", .number(level))) }
    if let applied = result.appliedCap { members.append(("applied_cap", .number(applied))) }
    members.append(("arms", .array(result.arms.map { arm in
      .object([
        ("arm", .string(arm.arm)), ("n", .int(arm.moments.count)),
        ("mean", arm.moments.count > 0 ? .number(arm.moments.mean) : .null),
        ("sum", .number(arm.moments.sum)),
        ("sum_squares", .number(arm.moments.sumOfSquares)),
        ("pre_mean", arm.moments.count > 0 ? .number(arm.moments.preMean) : .null),
        ("pre_sum", .number(arm.moments.preSum)),
        ("pre_sum_squares", .number(arm.moments.preSumOfSquares)),
        ("sum_products", .number(arm.moments.sumOfProducts)),
        ("open_windows", .int(arm.openWindows)),
      ])
    })))
    members.append(("comparisons", .array(result.comparisons.map { comparison($0, harmful: definition.harmful) })))
    return .object(members)
  }

  private static func segment(_ row: ExperimentReport.SegmentRow, report: ExperimentReport) -> JSONValue {
    .object([
      ("column", .string(row.column)), ("value", .string(row.value)),
      ("users", .array(row.users.map { .int($0) })),
      ("metrics", .array(report.metrics.indices.map { m in
        .object([
          ("name", .string(report.metrics[m].definition.name)),
          ("comparisons", .array(row.comparisons[m].map {
            comparison($0, harmful: report.metrics[m].definition.harmful)
          })),
        ])
      })),
    ])
  }

  private static func exposure(_ measurement: Measurement) -> JSONValue {
    guard measurement.exposure.isMeasured else { return .object([("measured", .bool(false))]) }
    return .object([
      ("measured", .bool(true)),
      ("events", .array(measurement.experiment.exposure.map { .string($0) })),
      ("exposed", .array(measurement.exposure.exposed.map { .int($0) })),
      ("first_channel", .array(measurement.exposure.channels.map { channel in
        .object([("channel", .string(channel.name)), ("users", .array(channel.users.map { .int($0) }))])
      })),
    ])
  }

  private static func split(_ check: SplitCheck) -> JSONValue {
    .object([
      ("recorded", .bool(check.isRecorded)), ("hash_checked", .bool(check.isHashChecked)),
      ("agreements", .int(check.agreements)),
      ("disagreements", .int(check.disagreements)),
      ("examples", .array(check.examples.map { .string($0) })),
    ])
  }

  /// One file's account: an object, on one line for a file of a folder or pattern source.
  private static func account(_ file: Reconciliation) -> JSONValue {
    let fates: [(String, JSONValue)] = Reconciliation.Fate.allCases.map { ($0.key, .int(file[$0])) }
    let reasons: [(String, JSONValue)] = Reconciliation.Reason.allCases.compactMap { reason in
      file[reason] > 0 ? (reason.key, .int(file[reason])) : nil
    }
    // Each reason's list read once (`examples` makes every list's texts on each call).
    let examples: [JSONValue] = Reconciliation.Reason.allCases.flatMap { reason in
      file.exampleLists[reason.rawValue].examples.map { JSONValue.string($0.text) }
    }
    let members: [(String, JSONValue)] = [
      ("input", .string(file.role)), ("file", .string(file.name)), ("source", file.source.map { .string($0) } ?? .null),
      ("format", file.format.map { .string($0) } ?? .null),
      ("rows", .int(file.rowsRead)), ("fates", .object(fates)),
      ("rejected_by_reason", .object(reasons)), ("examples", .array(examples)),
      ("balanced", .bool(file.isBalanced)),
    ]
    // A folder's files (thousands of them): one line each.
    return file.source == nil ? .object(members) : .line(.object(members))
  }

  /// Every file's account, in order, a folder's files' lines written ahead (`.written`), 256 at a
  /// time on `threads` threads: over a folder of 17,520 hourly files this was the longest part of
  /// writing the report.
  private static func accounts(_ files: [Reconciliation], threads: Int) -> [JSONValue] {
    files.mapInOrder(threads: threads, chunk: 256) { file in
      let value = account(file)
      guard case .line(let inner) = value else { return value }
      return .written(inner.writtenOnOneLine())
    }
  }

  private static func data(_ measurement: Measurement, threads: Int) -> JSONValue {
    let files = accounts(measurement.files, threads: threads)
    let source: JSONValue = measurement.origin.map { origin in
      .object([
        ("kind", .string("warehouse")), ("dialect", .string(origin.dialect)), ("digest", .string(origin.digest)),
        ("aggregates", .string(origin.file)),
      ] + (measurement.experiment.warehouseReadBounds(asOf: measurement.asOf).map { bounds in
        [("reads_from", JSONValue.string(Timestamp.format(bounds.from))), ("reads_until", .string(Timestamp.format(bounds.until)))]
      } ?? []))
    } ?? .object([("kind", .string("files"))])
    let sourceFiles: [JSONValue] = measurement.findings.sourceFiles.map { summary in
      .object([
        ("input", .string(summary.role)), ("source", .string(summary.path)),
        ("format", summary.format.map { .string($0) } ?? .null), ("files_read", .int(summary.filesRead)),
        (
          "not_read",
          .array(
            summary.skipped.map { skip in
              .object([
                ("reason", .string(skip.reason)), ("count", .int(skip.count)),
                ("examples", .array(skip.examples.map { .string($0) })),
              ])
            })
        ),
      ])
    }
    return .object([
      ("source", source),
      ("files", .array(files)),
      ("folder_sources", .array(sourceFiles)),
      ("exposures_before_entry", .int(measurement.findings.exposuresBeforeEntry)),
      ("revenue_rows_without_value", .int(measurement.findings.revenueRowsWithoutValue)),
      ("conflicting_duplicates", .int(measurement.findings.conflictingDuplicates)),
      ("conflict_examples", .array(measurement.findings.conflictExamples.map { .string($0) })),
      ("identity", identity(measurement)),
      ("platform_control", platformControl(measurement.findings.platformControl)),
    ])
  }

  private static func identity(_ measurement: Measurement) -> JSONValue {
    let findings = measurement.findings
    func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }
    return .object([
      ("collisions", .int(findings.identityCollisions)),
      ("collision_examples", strings(findings.collisionExamples)),
      ("unresolved_events", .int(measurement.files.reduce(0) { $0 + $1[.unresolvedIdentity] })),
      ("unresolved_examples", strings(findings.unresolvedExamples)),
      ("ambiguous_events", .int(measurement.files.reduce(0) { $0 + $1[.ambiguousIdentity] })),
      ("ambiguous_examples", strings(findings.ambiguousExamples)),
    ])
  }

  private static func platformControl(_ check: PlatformControlCheck) -> JSONValue {
    .object([
      ("marked", .int(check.marked)), ("in_control_arm", .int(check.inControlArm)),
      ("in_treatment_arms", .int(check.inTreatmentArms)),
      ("examples", .array(check.examples.map { .string($0) })),
    ])
  }
}
