import Experiment
import Foundation
import Ingest
import Join
import MeasurementModel
import Reduction
import TestSupport
import Testing

/// A source whose path is a folder or a pattern gives exactly what its files listed one by one
/// give, with one row account per file, whatever the thread count and chunk size, and with the
/// names a writer leaves beside the data skipped and counted.
@Suite struct FolderSourceTests {
  /// The three overlapping winback event files of `SharedJoinTests`, laid out as Hive-style
  /// partitions in the same order, with a writer's markers beside them.
  static func folder() throws -> (files: [String], folder: String) {
    let split = try SharedJoinTests.splitEvents()
    let root = split.path + "/events"
    var files: [String] = []
    for (k, name) in ["e1.csv", "e2.csv", "e3.csv"].enumerated() {
      let dir = root + "/date=2026-10-0\(k + 1)"
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: split.path + "/" + name, toPath: dir + "/" + name)
      files.append(split.path + "/" + name)
    }
    try FileManager.default.createDirectory(atPath: root + "/_temporary/0", withIntermediateDirectories: true)
    try Data("user_id,event,timestamp\nu1,order,2026-01-01T00:00:00Z\n".utf8).write(to: URL(fileURLWithPath: root + "/_temporary/0/part.csv"))
    try Data().write(to: URL(fileURLWithPath: root + "/_SUCCESS"))
    try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/date=2026-10-02/e9.csv.tmp"))
    return (files, root)
  }

  /// Everything but where the files are: the metrics, the findings (without the folder
  /// summaries) and each file's account by its rows, fates, reasons and examples.
  static func numbers(_ m: MeasurementModel.Measurement) -> [String] {
    var findings = m.findings
    findings.sourceFiles = []
    var lines = m.metrics.map { "\($0.definition.name) \($0.arms) \($0.exposedArms) \($0.spend)" }
    lines += m.files.map { "\($0.role) \($0.rowsRead) \($0.fates) \($0.reasons) \($0.examples)" }
    lines.append("\(findings)")
    lines.append("\(m.exposure.exposed) \(m.exposure.channels.map { "\($0.name) \($0.users)" })")
    // Examples name a folder's file by its path in the folder, a listed file by its name.
    return lines.map { line in
      ["1", "2", "3"].reduce(line) { $0.replacingOccurrences(of: "events/date=2026-10-0\($1)/", with: "") }
    }
  }

  static func measure(_ events: [String], threads: Int, chunkSize: Int) throws -> MeasurementModel.Measurement {
    let definition = try SharedJoinTests.experiment(key: "folder", events: events)
    var measurer = Measurer(experiment: definition, asOf: definition.asOf!, threads: threads)
    measurer.chunkSize = chunkSize
    return measurer.measurement(of: try measurer.join())
  }

  @Test func aFolderGivesWhatItsFilesListedOneByOneGive() throws {
    let (files, folder) = try Self.folder()
    let listed = try Self.measure(files, threads: 1, chunkSize: 1 << 20)
    for (threads, chunkSize) in [(1, 1 << 20), (2, 1 << 12), (2, 100_003), (3, 1 << 16), (2, 1 << 23)] {
      let fromFolder = try Self.measure([folder], threads: threads, chunkSize: chunkSize)
      #expect(Self.numbers(fromFolder) == Self.numbers(listed), "threads \(threads), chunk \(chunkSize)")
      let accounts = fromFolder.files.filter { $0.role == "events" }
      #expect(accounts.map(\.name) == ["events/date=2026-10-01/e1.csv", "events/date=2026-10-02/e2.csv", "events/date=2026-10-03/e3.csv"])
      #expect(accounts.allSatisfy { $0.source == "events/" && $0.isBalanced })
      let summary = try #require(fromFolder.findings.sourceFiles.first)
      #expect(summary.filesRead == 3)
      #expect(summary.skipped.map(\.reason) == [FileTree.SkipReason.hidden.rawValue, FileTree.SkipReason.temporary.rawValue])
      #expect(summary.skipped.map(\.count) == [2, 1])
      #expect(summary.skipped[0].examples == ["_SUCCESS", "_temporary"])
    }
    // Rejected rows name the file inside its folder.
    let examples = try Self.measure([folder], threads: 2, chunkSize: 1 << 12).files.flatMap { $0.examples.flatMap { $0 } }
    #expect(examples.contains { $0.hasPrefix("events/date=2026-10-01/e1.csv:") })
  }

  @Test func aPatternReadsOnlyTheFilesItMatches() throws {
    let (files, folder) = try Self.folder()
    let listed = try Self.measure([files[0], files[2]], threads: 1, chunkSize: 1 << 20)
    let matched = try Self.measure([folder + "/date=2026-10-0[13]/*.csv"], threads: 2, chunkSize: 1 << 14)
    #expect(Self.numbers(matched) == Self.numbers(listed))
    #expect(matched.findings.sourceFiles.first?.path == "events/date=2026-10-0[13]/*.csv")
  }

  @Test func aFileWhoseHeaderDiffersIsReadByItsOwnHeader() throws {
    let (_, folder) = try Self.folder()
    let before = try Self.measure([folder], threads: 2, chunkSize: 1 << 13)
    // The middle file with its columns in reverse order: each file is read by its own header.
    let middle = folder + "/date=2026-10-02/e2.csv"
    let text = try #require(Scratch.readFile(middle))
    let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let reordered = rows.map { $0.reversed().joined(separator: ",") }
    try Data((reordered.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: middle))
    // Read in chunks (8 KiB), and whole (8 MiB: the three files in one chunk, one parse thread
    // reading them one after the other with a header compiled for the first).
    for chunkSize in [1 << 13, 1 << 23] {
      let after = try Self.measure([folder], threads: 2, chunkSize: chunkSize)
      #expect(after.metrics.map { "\($0.arms)" } == before.metrics.map { "\($0.arms)" }, "chunk \(chunkSize)")
      #expect(after.files.map(\.fates) == before.files.map(\.fates), "chunk \(chunkSize)")
      let account = try #require(after.files.first { $0.name.hasSuffix("e2.csv") })
      #expect(account[Reconciliation.Fate.used] > 1000)
    }
  }
}

/// Folder sources are listed ahead while the cohort loads; the listing and the errors are those
/// the join would have met, where it would have met them.
@Suite struct TreePrefetchTests {
  @Test func aListingMadeAheadIsTheJoinsOwnAndItsErrorWaitsForTheJoin() throws {
    let (_, folder) = try FolderSourceTests.folder()
    let missing = folder + "/../no-such-folder"
    let trees = TreePrefetch(paths: [folder, missing, folder, "-"], threads: 2)
    let ahead = try #require(try trees.tree(for: folder))
    let now = try FileTree(folder, threads: 1)
    #expect(ahead.files == now.files && ahead.skipped == now.skipped && ahead.isTree)
    #expect(throws: IngestError.fileNotFound(path: missing)) { try trees.tree(for: missing) }
    #expect(try trees.tree(for: "-") == nil)
    #expect(try trees.tree(for: folder + "/date=2026-10-01") == nil)
  }

  @Test func aBadCohortIsStillReportedBeforeAMissingEventFolder() throws {
    let (_, folder) = try FolderSourceTests.folder()
    var definition = try SharedJoinTests.experiment(key: "folder", events: [folder + "/../no-such-folder"])
    var inputs = try #require(definition.inputs)
    inputs.cohort = folder + "/../no-such-cohort.csv"
    definition.inputs = inputs
    do {
      _ = try SharedJoin([JoinRequest(experiment: definition, asOf: definition.asOf!, threads: 2)])
      Issue.record("a join without its cohort ran")
    } catch {
      #expect("\(error)".contains("no-such-cohort.csv"), "\(error)")
      #expect(!"\(error)".contains("no-such-folder"), "\(error)")
    }
  }
}
