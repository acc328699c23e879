import Testing

@testable import Collector

@Suite struct CollectorErrorTests {
  @Test func exitCodesFollowSysexits() {
    #expect(CollectorError.configuration("x").exitCode == 64)
    #expect(CollectorError.missingInput(path: "s.json", reason: "no such file").exitCode == 66)
    #expect(CollectorError.diskFull(path: "/d").exitCode == 74)
    let failure = CollectorError.storage(path: "/d/x.jsonl", operation: "fsync", code: 5)
    #expect(failure.description.contains("/d/x.jsonl: fsync failed"))
    #expect(failure.description.contains("errno 5"))
  }
}
