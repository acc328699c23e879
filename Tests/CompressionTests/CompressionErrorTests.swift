import Testing

@testable import Compression

@Suite struct CompressionErrorTests {
  @Test func messagesNameTheOffsetAndTheFix() {
    let error = CompressionError.checksumMismatch(format: "gzip", offset: 120, expected: 0xCBF4_3926, actual: 1)
    #expect(error.offset == 120)
    #expect(error.description.contains("byte 120"))
    #expect(error.description.contains("cbf43926"))
    #expect(CompressionError.truncated(format: "DEFLATE", offset: 7).description.contains("re-download"))
  }
}
