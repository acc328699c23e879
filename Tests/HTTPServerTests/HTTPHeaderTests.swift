import Testing

@testable import HTTPServer

@Suite struct HTTPHeaderTests {
  @Test func namesCompareWithoutASCIICase() {
    #expect(HTTPHeader.namesEqual("X-CIO-Signature", "x-cio-signature"))
    #expect(!HTTPHeader.namesEqual("X-CIO-Signature", "X-CIO-Signatur"))
    #expect(!HTTPHeader.namesEqual("a-b", "a_b"))
    let headers = [HTTPHeader(name: "Host", value: "a"), HTTPHeader(name: "HOST", value: "b"), HTTPHeader(name: "x", value: "c")]
    #expect(headers.values(named: "host") == ["a", "b"])
    #expect(headers.values(named: "y").isEmpty)
  }
}
