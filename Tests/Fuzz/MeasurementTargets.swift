#if canImport(Glibc)
  import Glibc
#endif
import Experiment
@testable import HoldoutCLI
@testable import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction

/// Targets above the byte readers: the experiment-file decoder, the aggregates reader of
/// `holdout stats`, and one per platform source layout (bytes → records, as `holdout inspect`
/// and the join read them: parsing, field extraction, timestamps, values, de-duplication).
enum MeasurementTargets {
  static let all: [(name: String, run: ([UInt8]) -> Void)] =
    [("experiment-file", experimentFile), ("aggregates", aggregates)]
    + SourceSpec.Format.allCases.filter { $0 != .csv && $0 != .jsonl }.map { format in
      ("source-" + format.rawValue, { source($0, format: format) })
    }

  /// A per-process scratch file (sources are read from paths).
  static func scratch(_ bytes: [UInt8], suffix: String) -> String {
    let path = "/tmp/holdout-fuzz-\(getpid())\(suffix)"
    var data = bytes
    // gzip magic would take the in-process inflate path (fuzzed by its own targets): keep it out of this loop.
    if data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B { data[0] = 0x20 }
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    return path
  }

  static func experimentFile(_ bytes: [UInt8]) {
    var parser = JSONTreeParser(bytes: bytes, path: "/tmp/fuzz/experiment.json")
    guard let root = try? parser.parseDocument() else { return }
    for purpose in [ExperimentFileDecoder.Purpose.assignment, .report] {
      guard let experiment = try? ExperimentFileDecoder.decode(root, path: "/tmp/fuzz/experiment.json", for: purpose) else { continue }
      FuzzTargets.check(!experiment.arms.isEmpty, "an experiment without arms was accepted")
      let total = experiment.arms.reduce(0) { $0 + $1.weight }
      FuzzTargets.check(abs(total - 1) <= 1e-6, "weights sum to \(total)")
      _ = experiment.splitter.assign("user-1")
    }
  }

  static func aggregates(_ bytes: [UInt8]) {
    let path = scratch(bytes, suffix: ".csv")
    guard let inputs = try? ArmSumsFile.read(path: path, control: "holdout") else { return }
    for input in inputs {
      FuzzTargets.check(input.arms.contains { $0.name == "holdout" }, "an aggregate without the control arm was accepted")
    }
  }

  static func source(_ bytes: [UInt8], format: SourceSpec.Format) {
    let path = scratch(bytes, suffix: format.isCSV ? ".csv" : ".json")
    var spec = SourceSpec(path: path, format: format)
    if format == .customerioCSV || format == .iterableCSV { spec.event = "email_delivered" }
    var count = 0
    _ = try? SourceScan.forEachScannedRecord(of: spec, identities: nil) { record in
      count += 1
      if case .record = record.status {
        FuzzTargets.check(record.user != nil, "a record without a user")
        FuzzTargets.check(record.time != nil, "a record without a time")
      }
      return count < 10_000
    }
  }
}
