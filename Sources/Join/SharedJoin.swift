#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Experiment
import Ingest
import MeasurementModel
import Platforms

/// Joins the inputs of several experiments, reading each file they share once
/// (`holdout report DIR`: journeys of one program usually read the same event export).
///
/// Each experiment has its own steps, its message sources then its event sources, each in the
/// order its experiment file lists them, and its own state (cohort, identities, outcomes,
/// de-duplication tables, row accounting). The read order: take the first experiment with a step
/// left; every experiment whose next step reads the same file the same way (`ReadKey`) takes
/// part in that one read. So every experiment still sees its files in its own order, and its
/// result is byte for byte what `Measurer.join()` (one request) gives it alone. When experiments list shared
/// files in the same order, each is read once; orders that cross read a file more than once,
/// never out of an experiment's order.
///
/// De-duplication is per experiment and id space, but its answers depend only on the records
/// and on which files of the id space came before: experiments that read the same files of an id
/// space in the same order share one table (the set is asked once per record), and a table is
/// copied where two such histories part.
///
/// Memory: every experiment's state is held at once (its cohort and outcomes, ~100 bytes a user),
/// and one de-duplication table per distinct history of an id space.
public struct SharedJoin {
  /// One read of a file: the path (as the first experiment wrote it), the role, and the
  /// experiments (indices into the requests) it served.
  public struct Read: Sendable, Equatable {
    public let path: String
    public let role: String
    public let experiments: [Int]
  }

  /// Each experiment's joined inputs, in the requests' order.
  public let inputs: [JoinedInputs]
  /// The reads made, in order.
  public let reads: [Read]

  /// Joins `requests`' inputs (each request's own `asOf`, cohort, identities and sources; the
  /// first request's threads, chunk size and progress are used for the shared reads).
  public init(_ requests: [JoinRequest]) throws(MeasurementError) {
    // Folder sources are listed while the cohorts load (`TreePrefetch`), on a thread of their
    // own: not when one thread was asked for.
    let threads = requests.first?.threads ?? 1
    let trees = threads > 1
      ? TreePrefetch(
        paths: requests.flatMap { request in (request.experiment.inputs.map { $0.messages + $0.events } ?? []).map(\.path) },
        threads: threads)
      : nil
    var states: [State] = []
    for request in requests { states.append(try request.startJoin()) }
    var reads: [Read] = []
    while let lead = states.indices.first(where: { !states[$0].isDone }) {
      let key = states[lead].nextKey
      let parts = states.indices.filter { !states[$0].isDone && states[$0].nextKey == key }
      let step = states[lead].steps[states[lead].next]
      Self.separateTables(key: key.dedupKey, parts: parts, states: &states)
      var joiner = states[lead].joiner
      joiner.trees = trees
      if let progress = requests[lead].progress {
        let path = step.source.path
        joiner.progress = { bytes, total in progress(.reading(path: path, bytes: bytes, totalBytes: total)) }
      }
      var targets = parts.map { states[$0].target }
      // The targets move into the read and back, so that their storage is not shared (copied).
      for p in parts { states[p].target = EventJoiner.Target(outcomes: UserOutcomes(users: 0, additive: [])) }
      let participants = parts.map { p in
        EventJoiner.Participant(
          joiner: states[p].joiner, source: states[p].steps[states[p].next].source, cohort: states[p].cohort,
          identities: states[p].identities)
      }
      let ledgers = try joiner.join(source: step.source, role: step.role, participants: participants, targets: &targets)
      for (j, p) in parts.enumerated() {
        states[p].target = targets[j]
        states[p].files.append(contentsOf: ledgers[j])
        states[p].advance()
      }
      reads.append(Read(path: step.source.path, role: step.role.rawValue, experiments: parts))
    }
    inputs = zip(requests, states).map { $0.finishJoin($1) }
    self.reads = reads
  }

  /// Before a read of id space `key` by `parts`: a table that an experiment outside the read also
  /// holds is replaced, for the participants, by a copy (that experiment's history of the id
  /// space goes another way from here).
  private static func separateTables(key: String, parts: [Int], states: inout [State]) {
    let others = states.indices.filter { !parts.contains($0) }
    var copies: [(old: EventJoiner.DedupTable, new: EventJoiner.DedupTable)] = []
    for p in parts {
      guard let table = states[p].target.dedup[key] else { continue }
      if let copy = copies.first(where: { $0.old === table }) {
        states[p].target.dedup[key] = copy.new
      } else if others.contains(where: { states[$0].target.dedup[key] === table }) {
        let copy = table.copy()
        copies.append((table, copy))
        states[p].target.dedup[key] = copy
      }
    }
  }

  /// How a file is read: two steps with the same key read the same records from the same bytes,
  /// so one read serves both. The file is named by its canonical path (two spellings of one file
  /// are one file); the spec counts without its path and renames (renames are applied by each
  /// experiment's fold); the role decides the format's defaults.
  package struct ReadKey: Equatable {
    package var file: String
    package var role: EventJoiner.Role
    package var spec: SourceSpec
    /// The event type a file takes from a folder name in its path (Braze Currents).
    package var folderEventType: String?
    /// The id space, for the de-duplication tables.
    package var dedupKey: String

    package init(role: EventJoiner.Role, source: SourceSpec) {
      self.role = role
      file = Self.canonical(source.path)
      folderEventType = SourceReader.folderEventType(of: source)
      var spec = source
      spec.path = ""
      spec.rename = []
      self.spec = spec
      dedupKey = EventJoiner.dedupKey(
        role: role, format: source.format, layout: SourceReader(spec: source, role: role).layout)
    }

    /// The path with links and `.`/`..` resolved, or as written when that fails (a missing file,
    /// whose read then reports it; `-`, standard input).
    package static func canonical(_ path: String) -> String {
      guard path != "-", let resolved = realpath(path, nil) else { return path }
      defer { free(resolved) }
      return String(cString: resolved)
    }
  }

  /// One experiment's join in progress.
  package struct State {
    package let joiner: EventJoiner
    package let cohort: CohortTable
    package let identities: IdentityTable
    package var target: EventJoiner.Target
    /// Row accounting so far: the cohort's, the identities', then each source's.
    package var files: [Reconciliation]
    package let split: SplitCheck
    /// Its reads in order: messages, then events.
    package let steps: [(role: EventJoiner.Role, source: SourceSpec)]
    package let keys: [ReadKey]
    package var next = 0

    package init(
      joiner: EventJoiner, cohort: CohortTable, identities: IdentityTable, target: EventJoiner.Target,
      files: [Reconciliation], split: SplitCheck, steps: [(role: EventJoiner.Role, source: SourceSpec)]
    ) {
      self.joiner = joiner
      self.cohort = cohort
      self.identities = identities
      self.target = target
      self.files = files
      self.split = split
      self.steps = steps
      keys = steps.map { ReadKey(role: $0.role, source: $0.source) }
    }

    package var isDone: Bool { next >= steps.count }
    package var nextKey: ReadKey { keys[next] }

    /// Moves to the next step. De-duplication is per id space, and an id space belongs to one
    /// role: once the role's sources are read, its tables are done with (the largest memory of
    /// the join).
    package mutating func advance() {
      next += 1
      if isDone || steps[next].role != steps[next - 1].role { target.dedup.removeAll() }
    }
  }
}
