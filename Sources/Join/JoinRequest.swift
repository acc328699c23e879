import Experiment
import Ingest
import MeasurementModel
import Platforms

/// One experiment's join as `SharedJoin` runs it: the experiment, the analysis cutoff and how to
/// read (threads, chunk size, progress). `Measurer` (Reduction) makes one per report.
public struct JoinRequest: Sendable {
  /// The experiment.
  public let experiment: ExperimentDefinition
  /// The analysis cutoff (exclusive): rows at or after it are ignored and counted.
  public let asOf: Int64
  /// When true, the first rejected row stops the run with `file:line: reason`.
  public let strict: Bool
  /// Threads that parse input chunks; the result is identical for any number.
  public var threads = 1
  /// Bytes per parsing chunk (tests use tiny chunks to put boundaries everywhere).
  public var chunkSize = 1 << 19
  /// Whether folder files that provably hold nothing the experiment uses are skipped unopened
  /// (`EventJoiner.prune`; on by default, off only to show it changes no result).
  package var prunes = true
  /// Called now and then with what the join is doing (phase, input, bytes read).
  public var progress: (@Sendable (MeasurementProgress) -> Void)? = nil

  /// Creates a request.
  public init(experiment: ExperimentDefinition, asOf: Int64, strict: Bool = false, threads: Int = 1) {
    self.experiment = experiment
    self.asOf = asOf
    self.strict = strict
    self.threads = max(1, threads)
  }

  /// The join before its sources are read: the cohort and identities loaded, the outcomes empty,
  /// the sources listed in reading order (`SharedJoin`).
  package func startJoin() throws(MeasurementError) -> SharedJoin.State {
    guard let inputs = experiment.inputs else {
      throw .experiment(.missingForCommand(path: experiment.path, key: "inputs", command: "report"))
    }
    progress?(.cohort(path: inputs.cohort))
    var loader = CohortLoader(experiment: experiment, asOf: asOf, strict: strict)
    loader.threads = threads
    loader.chunkSize = chunkSize
    let (cohort, cohortLedger, split) = try loader.load(path: inputs.cohort)
    var files = [cohortLedger]
    var identities = IdentityTable()
    var target = EventJoiner.Target(
      outcomes: UserOutcomes(
        users: cohort.count, additive: experiment.metrics.map { $0.kind == .count || $0.kind == .revenue }))
    if let spec = inputs.identities {
      let (table, ledger) = try IdentityTable.load(spec, cohort: cohort, strict: strict)
      identities = table
      files.append(ledger)
      target.findings.identityCollisions = table.collisions
      target.findings.collisionList = table.collisionExamples
    }
    var joiner = EventJoiner(experiment: experiment, asOf: asOf, strict: strict)
    joiner.threads = threads
    joiner.chunkSize = chunkSize
    joiner.prunes = prunes
    let steps = inputs.messages.map { (role: EventJoiner.Role.messages, source: $0) }
      + inputs.events.map { (role: EventJoiner.Role.events, source: $0) }
    return SharedJoin.State(
      joiner: joiner, cohort: cohort, identities: identities, target: target, files: files, split: split,
      steps: steps)
  }

  /// The joined inputs once every source of `state` is read.
  package func finishJoin(_ state: SharedJoin.State) -> JoinedInputs {
    progress?(.statistics)
    var findings = state.target.findings
    findings.platformControl = platformControlCheck(cohort: state.cohort, outcomes: state.target.outcomes)
    // The user ids were needed to resolve rows and name users in examples, both done now; the
    // reduction needs arms, entries and segments only. Dropping the id table (~70 bytes a user)
    // before the statistics lowers the peak memory, which comes there.
    var reduced = state.cohort
    reduced.ids = ByteKeyTable(capacity: 0)
    return JoinedInputs(
      asOf: asOf, cohort: reduced, outcomes: state.target.outcomes, channels: state.target.channels,
      files: state.files, split: state.split, findings: findings)
  }

  /// Compares the platform's holdout markers with the analysed arms.
  package func platformControlCheck(cohort: CohortTable, outcomes: UserOutcomes) -> PlatformControlCheck {
    var check = PlatformControlCheck()
    let control = experiment.arms.firstIndex { $0.isControl } ?? 0
    for u in 0..<cohort.count where outcomes.platformControl(u) && cohort.arm[u] >= 0 {
      check.marked += 1
      if Int(cohort.arm[u]) == control {
        check.inControlArm += 1
      } else {
        check.inTreatmentArms += 1
        cohort.ids.withKey(Int32(u)) { id in
          check.exampleList.offer(user: id) {
            "\(cohort.ids.string(Int32(u))) (\(experiment.arms[Int(cohort.arm[u])].name))"
          }
        }
      }
    }
    return check
  }

}
