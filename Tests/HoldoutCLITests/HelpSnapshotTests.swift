@testable import HoldoutCLI
import TestSupport
import Testing

/// Every command's whole `--help`, and the overview, against committed snapshots
/// (`Tests/HoldoutCLITests/Snapshots/help/`): a change to any option, wording or example shows
/// as a line diff, and `HOLDOUT_UPDATE_SNAPSHOTS=1` records the new text for review.
@Suite struct HelpSnapshotTests {
  static let commands = CommandHelp.all.map(\.name)

  @Test(arguments: commands) func eachCommandsHelpMatchesItsSnapshot(command: String) {
    let run = CapturedRun([command, "--help"])
    #expect(run.status == 0, "\(command) --help: \(run.err)")
    #expect(run.err.isEmpty, "\(command) --help: \(run.err)")
    expectSnapshot(run.out, path: "Tests/HoldoutCLITests/Snapshots/help/\(command).txt")
    // The same text however help is asked for.
    #expect(CapturedRun([command, "-h"]).out == run.out)
    #expect(CapturedRun(["help", command]).out == run.out)
  }

  @Test func theOverviewMatchesItsSnapshotAndNamesEveryCommand() {
    let run = CapturedRun(["help"])
    #expect(run.status == 0)
    expectSnapshot(run.out, path: "Tests/HoldoutCLITests/Snapshots/help/overview.txt")
    for command in Self.commands { #expect(run.out.contains("  holdout \(command) "), "\(command)") }
  }
}
