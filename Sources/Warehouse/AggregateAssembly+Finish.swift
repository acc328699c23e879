import Experiment
import Ingest
import MeasurementModel
import Statistics
import WarehouseSQL

extension AggregateAssembly {
  /// The warehouse table of a role, as written in messages and the report's Data section.
  func tableName(_ role: WarehouseDefinition.Role) -> String {
    (experiment.warehouse.table(role)?.name ?? [role.rawValue]).joined(separator: ".")
  }

  /// Checks the `meta` rows against this experiment file and returns the query's `as_of`.
  func checkMeta(_ meta: [String: (String, Int)]) throws(WarehouseError) -> Int64 {
    func value(_ key: String) throws(WarehouseError) -> (String, Int) {
      guard let entry = meta[key] else {
        throw WarehouseError.badAggregates(path: file, line: 1, message: "no meta row '\(key)'; these are not \(AggregateQuery.formatVersion) aggregates from holdout sql")
      }
      return entry
    }
    let (version, versionLine) = try value("version")
    guard version == AggregateQuery.formatVersion else {
      throw WarehouseError.badAggregates(path: file, line: versionLine, message: "the aggregates are \(version.prefix(40)), this Holdout reads \(AggregateQuery.formatVersion); run holdout sql again and rerun the query")
    }
    let (key, keyLine) = try value("experiment")
    guard key == experiment.key else {
      throw WarehouseError.badAggregates(path: file, line: keyLine, message: "the aggregates are of experiment '\(key.prefix(60))', not '\(experiment.key)'")
    }
    let (queryDigest, digestLine) = try value("digest")
    guard queryDigest == digest else {
      throw WarehouseError.badAggregates(path: file, line: digestLine, message: "the query was built from another version of the experiment file (digest \(queryDigest.prefix(40)), the file's is \(digest)); run holdout sql again and rerun the query")
    }
    let (dialect, dialectLine) = try value("dialect")
    guard WarehouseDefinition.Dialect(rawValue: dialect) != nil else {
      throw WarehouseError.badAggregates(path: file, line: dialectLine, message: "unknown dialect '\(dialect.prefix(40))'")
    }
    let (asOfText, asOfLine) = try value("as_of")
    guard let asOf = Int64(asOfText), Timestamp.representable.contains(asOf) else {
      throw WarehouseError.badAggregates(path: file, line: asOfLine, message: "as_of '\(asOfText.prefix(40))' is not a timestamp in microseconds")
    }
    return asOf
  }

  /// The measurement, once every section is read: survival expanded to per-user times, row
  /// accounting and findings.
  func finish(
    asOf: Int64, users: [Int], exposed: [Int], entries: (Int64, Int64)?, metrics: [Measurement.Metric],
    segments: [Measurement.Segment], channels: [String: [Int]],
    survival: [[(days: Double, returned: Bool, users: Int)]], ledgers: [Reconciliation], findings: [String: Int],
    meta: [String: (String, Int)]
  ) throws(WarehouseError) -> Measurement {
    if let early = findings["entries_before_since"], early > 0, let since = experiment.warehouse.since {
      throw WarehouseError.badAggregates(
        path: file, line: 1,
        message: "\(early) cohort entries are before warehouse.since (\(Timestamp.format(since))): the query did not read the rows their pre-periods need; set since to the first entry or earlier and run holdout sql again")
    }
    var curves: Measurement.Survival? = nil
    if !experiment.returnEvents.isEmpty {
      var times: [[Double]] = [], returned: [[Bool]] = []
      for (a, steps) in survival.enumerated() {
        let total = steps.reduce(0) { $0 + $1.users }
        guard total == users[a] else {
          throw WarehouseError.badAggregates(path: file, line: 1, message: "the survival rows of arm \(experiment.arms[a].name) count \(total) users, the arm has \(users[a]); the aggregates are incomplete")
        }
        var armTimes: [Double] = [], armReturned: [Bool] = []
        armTimes.reserveCapacity(total)
        armReturned.reserveCapacity(total)
        for step in steps {
          armTimes.append(contentsOf: repeatElement(step.days, count: step.users))
          armReturned.append(contentsOf: repeatElement(step.returned, count: step.users))
        }
        times.append(armTimes)
        returned.append(armReturned)
      }
      curves = .init(events: experiment.returnEvents, days: experiment.analysis.survivalDays, times: times, returned: returned)
    }
    var files = ledgers
    if experiment.warehouse.messages == nil { files.remove(at: WarehouseDefinition.Role.messages.index) }
    for k in files.indices where files[k].role != "cohort" { files[k].format = "warehouse" }
    let channelList = channels.keys.sorted().map { (name: $0, users: channels[$0] ?? []) }
    var split = SplitCheck()
    split.isRecorded = true
    split.isHashChecked = false
    split.usersInSeveralArms = findings["users_in_several_arms"] ?? 0
    let found = JoinFindings(
      exposuresBeforeEntry: findings["exposures_before_entry"] ?? 0, exposuresAfterEntry: findings["exposures_after_entry"] ?? 0,
      revenueRowsWithoutValue: findings["revenue_rows_without_value"] ?? 0, timesBeforeFloor: findings["times_before_floor"] ?? 0,
      timesFarAfterAsOf: findings["times_far_after_as_of"] ?? 0, conflictingDuplicates: findings["conflicting_duplicates"] ?? 0)
    for name in AggregateColumns.findings where findings[name] == nil {
      throw WarehouseError.badAggregates(path: file, line: 1, message: "no finding row '\(name)'; the aggregates are incomplete")
    }
    var measurement = Measurement(
      experiment: experiment, asOf: asOf, users: users, survival: curves, entryRange: entries, metrics: metrics,
      segments: segments,
      exposure: .init(isMeasured: experiment.warehouse.messages != nil, exposed: exposed, channels: channelList),
      files: files, split: split, findings: found)
    measurement.origin = .init(dialect: meta["dialect"]?.0 ?? "", digest: digest, file: file)
    return measurement
  }
}

/// The segment sections, collected: every value of each column, users and sums per arm.
struct SegmentTables {
  let experiment: ExperimentDefinition
  /// Per column: value → (users per arm, sums per metric per arm).
  private var values: [[String: (users: [Int], sums: [[ExactSums]])]]

  init(experiment: ExperimentDefinition) {
    self.experiment = experiment
    values = Array(repeating: [:], count: experiment.segments.count)
  }

  private func empty() -> (users: [Int], sums: [[ExactSums]]) {
    let arms = experiment.arms.count
    return (Array(repeating: 0, count: arms), Array(repeating: Array(repeating: ExactSums(), count: arms), count: experiment.metrics.count))
  }

  mutating func add(_ row: AggregateReader.Row, assembly: AggregateAssembly) throws(WarehouseError) {
    guard let column = experiment.segments.firstIndex(of: row.segment) else {
      throw WarehouseError.badAggregates(path: assembly.file, line: row.line, message: "'\(row.segment.prefix(60))' is not a segment column of \(experiment.key)")
    }
    if row.section == "segment_value" {
      if values[column][row.value] == nil { values[column][row.value] = empty() }
      return
    }
    guard values[column][row.value] != nil else {
      throw WarehouseError.badAggregates(path: assembly.file, line: row.line, message: "segment value '\(row.value.prefix(60))' has no segment_value row")
    }
    let arm = try assembly.armIndex(row)
    if row.section == "segment_users" {
      values[column][row.value]!.users[arm] += try assembly.countValue(row, "n")
    } else {
      let m = try assembly.metricIndex(row)
      let sums = try assembly.checkedSums(row, metric: experiment.metrics[m])
      values[column][row.value]!.sums[m][arm].merge(sums)
    }
  }

  /// The breakdowns, values sorted as the file path sorts them.
  func segments(users: [Int]) throws(WarehouseError) -> [Measurement.Segment] {
    experiment.segments.indices.map { k in
      let list = values[k].keys.sorted().map { value in
        let entry = values[k][value]!
        return Measurement.SegmentValue(value: value, users: entry.users, metrics: entry.sums.map { $0.map { $0.moments() } })
      }
      return Measurement.Segment(column: experiment.segments[k], values: list)
    }
  }
}
