import HoldoutCLI
import TestSupport
import Testing

@Suite struct AssignCommandTests {
  static let config = """
    {"key": "winback-2026", "arms": [{"name": "holdout", "weight": 0.1, "control": true},
     {"name": "sms", "weight": 0.45}, {"name": "sms_email", "weight": 0.45}], "coverage": 1}
    """

  /// Values from the growthbook 4.0.0 vectors (Tests/AssignmentTests/Fixtures).
  @Test func singleIdPrintsTheGrowthBookArm() {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", Self.config)
    let run = CapturedRun(["assign", path, "--id", "user-1"])
    #expect(run.status == 0)
    #expect(run.out == "sms_email\n")
  }

  @Test func usersFileBecomesASafeCSVAndSplits() throws {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", Self.config)
    let users = scratch.write("users.csv", "user_id,email\nuser-1,a@x\n=HYPERLINK(\"x\"),b@x\n+15551234567,c\nuser-1,dup\n,empty\n")
    let run = CapturedRun(["assign", path, "--users", users, "--out", scratch.path + "/out.csv"])
    #expect(run.status == 0, "\(run.err)")
    let out = try #require(scratch.read("out.csv"))
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines[0] == "user_id,arm,bucket")
    #expect(lines[1] == "user-1,sms_email,0.6498")
    #expect(lines[2].hasPrefix("\"'=HYPERLINK(\"\"x\"\")\","))
    #expect(lines[3].hasPrefix("+15551234567,"))
    #expect(lines.count == 4)
    #expect(run.err.contains("1 duplicate ids written once"))
    #expect(run.err.contains("1 rows skipped"))

    let split = CapturedRun(["assign", path, "--users", users, "--split", scratch.path + "/split"])
    #expect(split.status == 0)
    let emailArm = try #require(scratch.read("split/sms_email.csv"))
    #expect(emailArm.contains("user-1,sms_email,0.6498"))
    #expect(scratch.read("split/excluded.csv") == "user_id,arm,bucket\n")
  }

  @Test func assignmentOnlyFilesNeedNoInputsOrMetrics() {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", Self.config)
    #expect(CapturedRun(["assign", path, "--id", "x"]).status == 0)
    let report = CapturedRun(["report", path])
    #expect(report.status == 65)
    #expect(report.err.contains("'inputs' is required by 'report'"))
  }
}
