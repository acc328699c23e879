@testable import MeasurementModel
@testable import Platforms
@testable import Join
@testable import Reduction
import Testing

/// `RecordText`, the reused byte buffer of a source record: every copy length (the 1–3, 4–7,
/// 8–16 byte word paths and longer), growth, removal and copies of its own bytes, checked
/// against a plain array doing the same.
@Suite struct RecordTextTests {
  @Test func appendsOfEveryLengthMatchAnArray() {
    let text = RecordText(capacity: 16)
    var expected: [UInt8] = []
    var seed: UInt8 = 1
    for round in 0..<3 {
      for length in 0...70 {
        let field = (0..<length).map { k in UInt8(truncatingIfNeeded: Int(seed) &* 31 &+ k) }
        seed &+= 7
        field.withUnsafeBufferPointer { text.append($0) }
        expected += field
        #expect(text.count == expected.count)
      }
      text.append(0x5F)
      expected.append(0x5F)
      text.append(contentsOf: "abc".utf8)
      expected += Array("abc".utf8)
      #expect(Array(text[0..<text.count]) == expected, "round \(round)")
      text.removeAll()
      expected = []
    }
    #expect(text.count == 0)
  }

  @Test func removalAndSelfCopies() {
    let text = RecordText(capacity: 16)
    text.append(contentsOf: Array("email_delivered".utf8))
    text.appendCopy(of: 0..<5)
    #expect(Array(text[15..<20]) == Array("email".utf8))
    text.removeSubrange(5..<15)
    #expect(Array(text[0..<text.count]) == Array("emailemail".utf8))
    text.removeSuffix(from: 5)
    #expect(Array(text[0..<text.count]) == Array("email".utf8))
    // A self-copy that makes the buffer grow still copies the right bytes.
    for _ in 0..<4 { text.appendCopy(of: 0..<text.count) }
    #expect(text.count == 80)
    #expect(Array(text[75..<80]) == Array("email".utf8))
  }

  /// The parsed record's layout: fields ordered widest first keep it at 80 bytes (was 88).
  @Test func parsedRecordStride() {
    #expect(MemoryLayout<ParsedRecord>.stride == 80)
  }
}
