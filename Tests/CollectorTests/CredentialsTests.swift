import TestSupport
import Testing

@testable import Collector

@Suite struct CredentialsTests {
  @Test func fileAndEnvironment() throws {
    let scratch = Scratch("holdout-credentials")
    let file = scratch.write("secrets.json", #"{"customerio": "s1", "braze": null, "events/orders": "t2", "events": "t3"}"#)
    let credentials = try Credentials.load(file: file, environment: ["HOLDOUT_SECRET_CUSTOMERIO": "s9", "HOLDOUT_SECRET_ITERABLE": "i1", "OTHER": "x"])
    #expect(credentials.check(for: .customerio) == .secret(Array("s9".utf8)))
    #expect(credentials.check(for: .iterable) == .secret(Array("i1".utf8)))
    #expect(credentials.check(for: .braze) == .open)
    #expect(credentials.check(for: .klaviyo) == .disabled)
    #expect(credentials.check(for: .generic("orders")) == .secret(Array("t2".utf8)))
    #expect(credentials.check(for: .generic("sessions")) == .secret(Array("t3".utf8)))
    // The summary names origins, never secrets.
    let summary = credentials.summary.joined(separator: " ")
    #expect(summary.contains("customerio (secret from $HOLDOUT_SECRET_CUSTOMERIO)"))
    #expect(!summary.contains("s9") && !summary.contains("t2") && !summary.contains("t3"))
    #expect(throws: CollectorError.self) { try credentials.checkListen(loopback: false, address: "0.0.0.0:8787") }
    try credentials.checkListen(loopback: true, address: "127.0.0.1:8787")
  }

  @Test func mistakesAreConfigurationErrors() throws {
    let scratch = Scratch("holdout-credentials-bad")
    for (text, expected) in [
      (#"{"customerio": null}"#, "needs its signing secret"),
      (#"{"custmerio": "x"}"#, "is not an endpoint"),
      (#"{"braze": ""}"#, "empty secret"),
      (#"{"braze": 5}"#, "must be a string"),
      (#"["braze"]"#, "must be a JSON object"),
      (#"{"events/../x": "t"}"#, "is not an endpoint"),
    ] {
      let file = scratch.write("s.json", text)
      do {
        _ = try Credentials.load(file: file, environment: [:])
        Issue.record("\(text) was accepted")
      } catch {
        #expect(error.exitCode == 64)
        #expect(error.description.contains(expected), "\(error.description)")
      }
    }
    #expect(throws: CollectorError.missingInput(path: scratch.path + "/none.json", reason: "no such secrets file; write a JSON object of endpoint name → secret")) {
      try Credentials.load(file: scratch.path + "/none.json", environment: [:])
    }
  }
}
