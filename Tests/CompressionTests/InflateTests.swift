import Testing

@testable import Compression

/// Hand-built DEFLATE streams: every block type, and each way a stream can be malformed.
@Suite struct InflateTests {
  func failure(_ bytes: [UInt8], _ wrapper: DecompressingReader.Wrapper = .raw) -> CompressionError? {
    do {
      _ = try Inflate.decode(bytes, wrapper: wrapper, limit: 1 << 30)
      return nil
    } catch {
      return error
    }
  }

  func reason(_ bytes: [UInt8]) -> String {
    if case .corrupt(_, _, let reason) = failure(bytes) { return reason }
    return "no corrupt error"
  }

  @Test func storedBlocks() throws {
    var w = DeflateWriter()
    w.storedBlock(Array("hello ".utf8), last: false)
    w.storedBlock([], last: false)
    w.storedBlock(Array("world".utf8), last: true)
    TestStreams.expectSame(try Inflate.raw(w.bytes, limit: 100), Array("hello world".utf8))
  }

  @Test func storedLengthMustMatchItsComplement() {
    var w = DeflateWriter()
    w.storedBlock([1, 2, 3], last: true, nlen: 0xFFFF)
    #expect(failure(w.bytes) == .corrupt(format: "DEFLATE", offset: 1, reason: "stored block length 3 does not match its complement 65535"))
  }

  @Test func fixedBlockWithOverlappingMatches() throws {
    var w = DeflateWriter()
    w.fixedBlock([.literal(0x61), .literal(0x62), .literal(0x63), .match(length: 10, distance: 3), .literal(0xFF), .match(length: 258, distance: 1)], last: true)
    let expected = Array("abcabcabcabca".utf8) + [UInt8](repeating: 0xFF, count: 259)
    TestStreams.expectSame(try Inflate.raw(w.bytes, limit: 1000), expected)
  }

  @Test func dynamicBlock() throws {
    // Literals a, b and end-of-block, one length symbol (257: 3 bytes), one distance code (1 byte
    // back, alone: a legal incomplete code of one 1-bit code).
    var lit = [Int](repeating: 0, count: 258)
    lit[0x61] = 2; lit[0x62] = 2; lit[256] = 2; lit[257] = 2
    var w = DeflateWriter()
    w.dynamicBlock(
      literalLengths: lit, distanceLengths: [1],
      symbols: [.literal(0x61), .literal(0x62), .literal(257), .distance(0), .literal(256)], last: true)
    TestStreams.expectSame(try Inflate.raw(w.bytes, limit: 100), Array("abbbb".utf8))
  }

  @Test func reservedBlockTypeIsCorrupt() {
    var w = DeflateWriter()
    w.bits(1, 1)
    w.bits(3, 2)
    #expect(reason(w.bytes) == "block type 3 (reserved)")
  }

  @Test func distanceBeforeTheStartIsCorrupt() {
    var w = DeflateWriter()
    w.fixedBlock([.literal(0x61), .literal(0x62), .match(length: 3, distance: 3)], last: true)
    #expect(reason(w.bytes) == "a distance of 3 bytes reaches back before the start of the output")
    // Same through the fast loop (more than 16 input bytes follow).
    var long = DeflateWriter()
    long.fixedBlock([.literal(0x61), .match(length: 3, distance: 2)] + Array(repeating: .literal(0x62), count: 40), last: true)
    #expect(reason(long.bytes) == "a distance of 2 bytes reaches back before the start of the output")
  }

  @Test func unusedFixedSymbolsAreCorrupt() {
    for symbol in [286, 287] {
      var w = DeflateWriter()
      w.fixedBlock([.literal(1), .symbol(symbol)], last: true)
      #expect(reason(w.bytes) == "an invalid literal/length code")
    }
    var w = DeflateWriter()
    w.fixedBlock([.literal(1), .symbol(257), .distanceCode(30)], last: true)
    #expect(reason(w.bytes) == "an invalid distance code")
  }

  @Test func badCodeLengthsAreCorrupt() {
    var lit = [Int](repeating: 0, count: 257)
    lit[0] = 1; lit[1] = 1; lit[256] = 1
    var w = DeflateWriter()
    w.dynamicBlock(literalLengths: lit, distanceLengths: [1], symbols: [], last: true)
    #expect(reason(w.bytes) == "the literal/length code is over-subscribed")

    lit = [Int](repeating: 0, count: 257)
    lit[0] = 2; lit[256] = 2
    w = DeflateWriter()
    w.dynamicBlock(literalLengths: lit, distanceLengths: [1], symbols: [], last: true)
    #expect(reason(w.bytes) == "the literal/length code is incomplete")

    lit[0] = 1; lit[256] = 1
    w = DeflateWriter()
    w.dynamicBlock(literalLengths: lit, distanceLengths: [2, 2, 2], symbols: [], last: true)
    #expect(reason(w.bytes) == "the distance code is incomplete")

    lit[256] = 0
    w = DeflateWriter()
    w.dynamicBlock(literalLengths: lit, distanceLengths: [1], symbols: [], last: true)
    #expect(reason(w.bytes) == "the block has no end-of-block code")

    // The code-length code itself: incomplete (one 4-bit code missing) is refused.
    w = DeflateWriter()
    w.dynamicBlock(literalLengths: lit, distanceLengths: [1], symbols: [], last: true,
                   precode: [Int](repeating: 4, count: 15) + [0, 0, 0, 0])
    #expect(reason(w.bytes) == "the code-length code is incomplete")
  }

  @Test func codeCountsAndRepeatsAreChecked() {
    var w = DeflateWriter()
    w.bits(1, 1); w.bits(2, 2); w.bits(30, 5)  // HLIT 287
    w.bits(0, 5); w.bits(0, 4)
    #expect(reason(w.bytes) == "287 literal/length codes (at most 286)")

    w = DeflateWriter()
    w.bits(1, 1); w.bits(2, 2); w.bits(0, 5); w.bits(30, 5)  // HDIST 31
    w.bits(0, 4)
    #expect(reason(w.bytes) == "31 distance codes (at most 30)")

    // A repeat (16) first: nothing to repeat. Precode: 16, 17, 18 and 0 have 2 bits.
    var precode = [Int](repeating: 0, count: 19)
    precode[16] = 2; precode[17] = 2; precode[18] = 2; precode[0] = 2
    w = DeflateWriter()
    w.dynamicBlock(literalLengths: [Int](repeating: 0, count: 257), distanceLengths: [0], symbols: [], last: true,
                   precode: precode, rawLengthSymbols: [(16, 0, 2)])
    #expect(reason(w.bytes) == "a code-length repeat with no previous length")

    // 18 repeats zero 138 times, twice, then once more: past 258 codes.
    w = DeflateWriter()
    w.dynamicBlock(literalLengths: [Int](repeating: 0, count: 257), distanceLengths: [0], symbols: [], last: true,
                   precode: precode, rawLengthSymbols: [(18, 127, 7), (18, 127, 7)])
    #expect(reason(w.bytes) == "code lengths repeat past the 258 codes")
  }

  /// A stream longer than the output buffer, with matches 32,768 bytes back across its slides.
  @Test func longStreamWithFarMatches() throws {
    var state: UInt32 = 7
    var expected: [UInt8] = []
    var items: [DeflateWriter.Item] = []
    for _ in 0..<40_000 {
      state = state &* 1_103_515_245 &+ 12345
      let b = UInt8(truncatingIfNeeded: state >> 16)
      items.append(.literal(b))
      expected.append(b)
    }
    for i in 0..<4000 {
      items.append(.match(length: 258, distance: 32768))
      for _ in 0..<258 { expected.append(expected[expected.count - 32768]) }
      items.append(.literal(UInt8(truncatingIfNeeded: i)))
      expected.append(UInt8(truncatingIfNeeded: i))
    }
    var w = DeflateWriter()
    w.fixedBlock(items, last: true)
    TestStreams.expectSame(try Inflate.raw(w.bytes, limit: 10_000_000), expected)
    let error = #expect(throws: CompressionError.self) { _ = try Inflate.raw(w.bytes, limit: 1_000_000) }
    guard case .limitExceeded(let format, let offset, let limit, _)? = error else {
      Issue.record("not a limit error: \(String(describing: error))")
      return
    }
    #expect(format == "DEFLATE" && limit == 1_000_000 && offset > 0 && offset <= w.bytes.count)
    // The streaming reader with 1-byte input and odd output sizes gives the same bytes.
    TestStreams.expectSame(try TestStreams.readAll(w.bytes, wrapper: .raw, inputPiece: 1, outputPiece: 7777), expected)
  }

  @Test func limitIsInclusive() throws {
    var w = DeflateWriter()
    w.fixedBlock([.literal(1), .match(length: 99, distance: 1)], last: true)
    #expect(try Inflate.raw(w.bytes, limit: 100).count == 100)

    guard case .limitExceeded(_, _, let limit, _)? = failure99(w.bytes) else {
      Issue.record("no limit error")
      return
    }
    #expect(limit == 99)
  }

  func failure99(_ bytes: [UInt8]) -> CompressionError? {
    do {
      _ = try Inflate.raw(bytes, limit: 99)
      return nil
    } catch { return error }
  }

  /// Every prefix of a small stream (stored, fixed and dynamic blocks) fails cleanly.
  @Test(arguments: [DecompressingReader.Wrapper.raw, .zlib, .gzip])
  func everyTruncationFails(wrapper: DecompressingReader.Wrapper) throws {
    let whole = try TestStreams.fixture("deflate/l6-default.zz")
    let text = try TestStreams.fixture("deflate/input.txt")
    var w = DeflateWriter()
    w.storedBlock(Array(text[0..<100]), last: false)
    w.fixedBlock(text[100..<200].map { .literal($0) }, last: false)
    w.storedBlock([], last: false)  // back to a byte boundary
    let dynamic = try Inflate.raw(Array(whole[2..<(whole.count - 4)]), limit: 1 << 20)
    TestStreams.expectSame(dynamic, text)
    var raw = w.bytes
    raw += Array(whole[2..<(whole.count - 4)])  // a dynamic block that is last (byte-aligned start)
    let stream = TestStreams.wrap(raw, wrapper, content: Array(text[0..<200]) + text)
    TestStreams.expectSame(try Inflate.decode(stream, wrapper: wrapper, limit: 1 << 20).bytes, Array(text[0..<200]) + text)
    for cut in 0..<stream.count {
      let error = failure(Array(stream[..<cut]), wrapper)
      switch error {
      case .truncated(_, let offset)?: #expect(offset <= cut)
      case .corrupt?: break
      default: Issue.record("cut at \(cut) of \(stream.count): \(String(describing: error))")
      }
    }
  }
}
