import Experiment
import Foundation
import Ingest
import Join
import MeasurementModel
import Reduction
import TestSupport
import Testing

/// The `braze-amplitude-winback` fixture read as the platforms deliver it (a Braze Currents tree
/// of Avro files, an Amplitude Export API zip) gives the numbers its records give as one
/// JSON-lines file per source (written by the same generator, not by Holdout), on any thread
/// count; and pruning the event types the experiment does not use changes no result.
@Suite struct DeliveredExportTests {
  static let experimentPath = TestPaths.repository("fixtures/braze-amplitude-winback/experiment.json")

  static func measure(
    _ change: (inout ExperimentDefinition) -> Void = { _ in }, threads: Int = 2, chunkSize: Int = 1 << 16, prunes: Bool = true
  ) throws -> MeasurementModel.Measurement {
    var definition = try ExperimentFileDecoder.load(path: experimentPath, for: .report)
    change(&definition)
    var measurer = Measurer(experiment: definition, asOf: definition.asOf!, threads: threads)
    measurer.chunkSize = chunkSize
    measurer.prunes = prunes
    return measurer.measurement(of: try measurer.join())
  }

  /// What the analysis uses: per-arm moments, exposure, spend and the platform's holdout marks.
  static func results(_ m: MeasurementModel.Measurement) -> [String] {
    m.metrics.map { "\($0.definition.name) \($0.arms) \($0.exposedArms) \($0.spend)" } + [
      "\(m.exposure.exposed) \(m.exposure.channels.map { "\($0.name) \($0.users)" })",
      "\(m.findings.platformControl.marked) \(m.findings.platformControl.inControlArm) \(m.findings.platformControl.inTreatmentArms)",
      "\(m.findings.exposuresBeforeEntry) \(m.findings.exposuresAfterEntry) \(m.findings.revenueRowsWithoutValue)",
    ]
  }

  static func fates(_ m: MeasurementModel.Measurement, role: String) -> [Int] {
    m.files.filter { $0.role == role }.reduce(into: [Int](repeating: 0, count: Reconciliation.Fate.allCases.count)) { sums, file in
      for (k, n) in file.fates.enumerated() { sums[k] += n }
    }
  }

  @Test func theDeliveredFilesGiveWhatTheirRecordsAsJSONLinesGive() throws {
    let lines = try Self.measure {
      $0.inputs!.messages[0].path = TestPaths.repository("fixtures/braze-amplitude-winback/equivalent/braze.jsonl.gz")
      $0.inputs!.events[0].path = TestPaths.repository("fixtures/braze-amplitude-winback/equivalent/amplitude.jsonl.gz")
    }
    for (threads, chunkSize) in [(1, 1 << 20), (2, 1 << 12), (3, 100_003)] {
      let delivered = try Self.measure(threads: threads, chunkSize: chunkSize, prunes: false)
      #expect(Self.results(delivered) == Self.results(lines), "threads \(threads)")
      // Unpruned, every row is read: the same rows with the same fates, file by file added up.
      #expect(Self.fates(delivered, role: "messages") == Self.fates(lines, role: "messages"))
      #expect(Self.fates(delivered, role: "events") == Self.fates(lines, role: "events"))
      #expect(delivered.files.filter { $0.role == "messages" }.count == 460)
      #expect(delivered.files.allSatisfy { $0.isBalanced })
    }
  }

  @Test func pruningSkipsOnlyFilesWhoseRowsWouldAllGoUnused() throws {
    let full = try Self.measure(prunes: false)
    let pruned = try Self.measure(prunes: true)
    #expect(Self.results(pruned) == Self.results(full))
    let summary = try #require(pruned.findings.sourceFiles.first { $0.role == "messages" })
    let skip = try #require(summary.skipped.first { $0.reason == EventJoiner.prunedReason })
    #expect(skip.count == 205)
    #expect(summary.filesRead == 255)
    #expect(skip.examples == ["users.messages.email.Open (66 files)", "users.messages.email.Send (117 files)", "users.messages.sms.DeliveryFailure (22 files)"])
    // The rows pruning did not read: none would have been used or fallen in a window.
    let unread = zip(Self.fates(full, role: "messages"), Self.fates(pruned, role: "messages")).map { $0 - $1 }
    #expect(unread[Reconciliation.Fate.used.rawValue] == 0)
    #expect(unread[Reconciliation.Fate.outsideWindows.rawValue] == 0)
    #expect(unread[Reconciliation.Fate.eventNotMeasured.rawValue] > 500)
    #expect(unread.allSatisfy { $0 >= 0 })
  }
}
