import TestSupport
import Testing

/// `holdout serve`'s refusals before it listens: each a one-line `error:` and a sysexits code,
/// with no secret in the message. (The running server is checked end to end by .ci/collector.)
@Suite struct ServeCommandTests {
  @Test func refusesToStartWithoutWhatItNeeds() {
    let scratch = Scratch("holdout-serve-cli")
    let open = scratch.write("open.json", #"{"braze": null}"#)
    let signed = scratch.write("signed.json", #"{"customerio": "do-not-print-me"}"#)
    let data = scratch.path + "/data"
    let cases: [([String], Int32, String)] = [
      (["serve"], 64, "serve needs --data DIR"),
      (["serve", "--data", data, "--listen", "example.com:80", "--secrets", signed], 64, "names are not resolved"),
      (["serve", "--data", data, "--listen", "0.0.0.0:8787", "--secrets", open], 64, "is not a loopback address and 'braze' has no secret"),
      (["serve", "--data", data, "--secrets", scratch.path + "/missing.json"], 66, "no such secrets file"),
      (["serve", "--data", data, "--tolerance", "0", "--secrets", signed], 64, "--tolerance must be a whole number from 1"),
      (["serve", "--data", data], 64, "no endpoint is enabled"),
      (["serve", "--data", data, "--secrets", signed, "--reports", scratch.path + "/nope"], 66, "no such reports folder"),
    ]
    for (arguments, status, message) in cases {
      let run = CapturedRun(arguments)
      #expect(run.status == status, "\(arguments): \(run.err)")
      #expect(run.err.hasPrefix("error: ") && run.err.contains(message), "\(arguments): \(run.err)")
      #expect(!run.err.contains("do-not-print-me"))
    }
  }
}
