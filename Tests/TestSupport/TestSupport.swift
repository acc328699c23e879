import Foundation
import Simulation
import Reports
import TextOutput
import Testing

/// Shared helpers for Holdout's tests: paths to committed fixtures, approximate comparison of
/// floating-point results against reference values, and golden-text checks with a line diff.
public enum TestPaths {
  /// The repository root, found from this file's location (`Tests/TestSupport/…`).
  public static func root(_ file: String = #filePath) -> String {
    var components = file.split(separator: "/", omittingEmptySubsequences: false)
    while let last = components.last, last != "Tests" { components.removeLast() }
    components.removeLast()
    return components.joined(separator: "/")
  }

  /// A path under the repository root.
  public static func repository(_ relative: String) -> String { root() + "/" + relative }
}

/// Records an issue unless `actual` is within `relative` relative (or `absolute` absolute)
/// tolerance of `expected`.
public func expectClose(
  _ actual: Double, _ expected: Double, relative: Double = 1e-12, absolute: Double = 0,
  _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  let difference = abs(actual - expected)
  let tolerance = max(absolute, relative * abs(expected))
  if !(difference <= tolerance) {
    Issue.record(
      "\(comment.isEmpty ? "" : comment + ": ")\(actual) is not within \(tolerance) of \(expected) (difference \(difference))",
      sourceLocation: sourceLocation)
  }
}

/// Records an issue with a readable line diff when `actual` differs from `expected`.
public func expectSameText(
  _ actual: String, _ expected: String, _ name: String = "text",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let diff = LineDiff.diff(expected: expected, actual: actual) else { return }
  Issue.record("\(name) differs (- expected, + actual):\n\(diff)", sourceLocation: sourceLocation)
}

/// The environment variable that makes `expectSnapshot` record instead of compare.
public let snapshotUpdateVariable = "HOLDOUT_UPDATE_SNAPSHOTS"

/// Compares `actual` with the committed snapshot file `path` (relative to the repository root)
/// and records an issue with a readable line diff when they differ. With
/// `HOLDOUT_UPDATE_SNAPSHOTS=1` in the environment, writes `actual` to the file instead (and
/// records nothing): regenerate with `HOLDOUT_UPDATE_SNAPSHOTS=1 swift test --filter SUITE` and
/// review the change with `git diff`. A missing snapshot is an issue that says how to record it.
/// Every golden file of the tests goes through here: report snapshots, the warehouse SQL, the
/// commands' help.
public func expectSnapshot(
  _ actual: String, path: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  let file = TestPaths.repository(path)
  if ProcessInfo.processInfo.environment[snapshotUpdateVariable] == "1" {
    let folder = (file as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    do {
      try Scratch.writeFile(file, actual)
    } catch {
      Issue.record("could not record the snapshot \(path): \(error)", sourceLocation: sourceLocation)
    }
    return
  }
  guard let expected = Scratch.readFile(file) else {
    Issue.record(
      "no snapshot at \(path); record it with \(snapshotUpdateVariable)=1 swift test and review it",
      sourceLocation: sourceLocation)
    return
  }
  expectSameText(actual, expected, path, sourceLocation: sourceLocation)
}

/// A fresh temporary directory for one test, with helpers to write files into it.
public struct Scratch: Sendable {
  /// The directory's path.
  public let path: String

  /// Creates a unique directory under the system temporary directory.
  public init(_ name: String = "holdout-test") {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/" + name + "-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes `contents` (bytes as given) to `name` and returns its path.
  @discardableResult
  public func write(_ name: String, _ contents: String) -> String {
    let file = path + "/" + name
    _ = FileManager.default.createFile(atPath: file, contents: Data(contents.utf8))
    return file
  }

  /// Writes raw bytes to `name` and returns its path.
  @discardableResult
  public func write(_ name: String, bytes: [UInt8]) -> String {
    let file = path + "/" + name
    _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }

  /// Writes `text` to the file at `path` (golden files).
  public static func writeFile(_ path: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  }

  /// The text of the file at `path`, or nil when it cannot be read.
  public static func readFile(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
  }

  /// Reads a file back as text.
  public func read(_ name: String) -> String? {
    FileManager.default.contents(atPath: path + "/" + name).map { String(decoding: $0, as: UTF8.self) }
  }
}

/// The tests' seeded generator for shuffles: the simulator's SplitMix64, the same sequence on
/// every platform and run.
public typealias SplitMix = SplitMix64
