import Testing

@testable import Compression

/// gzip and zlib wrappers, on fixtures from Python's zlib and gzip, GNU gzip and pigz.
@Suite struct WrapperTests {
  let text: [UInt8]

  init() throws { text = try TestStreams.fixture("deflate/input.txt") }

  func failure(_ bytes: [UInt8], _ wrapper: DecompressingReader.Wrapper) -> CompressionError? {
    do {
      _ = try Inflate.decode(bytes, wrapper: wrapper, limit: 1 << 30)
      return nil
    } catch {
      return error
    }
  }

  /// zlib at every level 0–9 with every strategy (default, filtered, Huffman only, RLE, fixed).
  @Test func everyLevelAndStrategy() throws {
    let names = TestStreams.fixtureNames("deflate").filter { $0.hasPrefix("l") && $0.hasSuffix(".zz") }
    #expect(names.count == 50)
    for name in names {
      let bytes = try TestStreams.fixture("deflate/" + name)
      TestStreams.expectSame(try Inflate.zlib(bytes, limit: 1 << 20), text, "\(name)")
      TestStreams.expectSame(try TestStreams.readAll(bytes, wrapper: .zlib, inputPiece: 1, outputPiece: 1000), text, "\(name)")
    }
  }

  /// Window sizes 2^9 … 2^15, zlib-wrapped and raw; a zlib header's smaller window is enforced.
  @Test func everyWindowSize() throws {
    for bits in 9...15 {
      let zz = try TestStreams.fixture("deflate/w\(bits).zz")
      TestStreams.expectSame(try Inflate.zlib(zz, limit: 1 << 20), text + text + text)
      let raw = try TestStreams.fixture("deflate/w\(bits).deflate")
      TestStreams.expectSame(try Inflate.raw(raw, limit: 1 << 20), text + text + text)
    }
    // The 32 KiB stream relabelled as a 512-byte window: its long distances are refused.
    var relabelled = try TestStreams.fixture("deflate/w15.zz")
    relabelled[0] = 0x18
    relabelled[1] = UInt8(31 - (0x18 * 256) % 31)
    guard case .corrupt(_, _, let reason)? = failure(relabelled, .zlib) else {
      Issue.record("a distance beyond the declared window was accepted")
      return
    }
    #expect(reason.contains("512-byte window"))
  }

  @Test func flushedStreamsAndEmptyInputs() throws {
    TestStreams.expectSame(try Inflate.raw(TestStreams.fixture("deflate/flushes.deflate"), limit: 1 << 20), text)
    #expect(try Inflate.zlib(TestStreams.fixture("deflate/empty.zz"), limit: 0) == [])

    #expect(try Inflate.raw(TestStreams.fixture("deflate/empty.deflate"), limit: 0) == [])

    #expect(try Inflate.zlib(TestStreams.fixture("deflate/one-byte.zz"), limit: 1) == [0x41])

    #expect(try Inflate.gzip(TestStreams.fixture("gzip/empty.gz"), limit: 0) == [])

    #expect(failure([], .gzip) == .truncated(format: "gzip", offset: 0))
    #expect(failure([], .zlib) == .truncated(format: "zlib", offset: 0))
    #expect(failure([], .raw) == .truncated(format: "DEFLATE", offset: 0))
  }

  @Test func gzipFromGNUGzipAndPigz() throws {
    TestStreams.expectSame(try Inflate.gzip(TestStreams.fixture("gzip/gnu-gzip-9.gz"), limit: 1 << 20), text)
    TestStreams.expectSame(try Inflate.gzip(TestStreams.fixture("gzip/gnu-gzip-1-name.gz"), limit: 1 << 20), text)
    TestStreams.expectSame(try Inflate.gzip(TestStreams.fixture("gzip/pigz-zopfli.gz"), limit: 1 << 20), text)
    // pigz: 128 KiB blocks ended by sync flushes (empty stored blocks).
    let big = try TestStreams.fixture("gzip/pigz-big.gz")
    let out = try Inflate.gzip(big, limit: 1 << 20)
    // generate.sh: (input.txt × 40)[..<300,000]
    var expected: [UInt8] = []
    for _ in 0..<40 { expected += text }
    TestStreams.expectSame(out, Array(expected.prefix(300_000)))
    TestStreams.expectSame(try TestStreams.readAll(big, wrapper: .gzip, inputPiece: 3, outputPiece: 65536), out)
  }

  @Test func gzipHeaderFieldsAndMembers() throws {
    let all = try TestStreams.fixture("gzip/all-header-fields.gz")
    TestStreams.expectSame(try Inflate.gzip(all, limit: 1 << 20), text)
    TestStreams.expectSame(try TestStreams.readAll(all, wrapper: .gzip, inputPiece: 1, outputPiece: 1), text)
    // A flipped header byte before FHCRC: the header CRC catches it.
    var bad = all
    bad[15] ^= 1
    guard case .checksumMismatch(_, let offset, _, _)? = failure(bad, .gzip) else {
      Issue.record("a damaged header passed its FHCRC")
      return
    }
    #expect(offset > 20 && offset < 60)
    let multi = try Inflate.decode(TestStreams.fixture("gzip/multi-member.gz"), wrapper: .gzip, limit: 1 << 20)
    TestStreams.expectSame(multi.bytes, text)
    #expect(multi.members == 3)
  }

  @Test func gzipReservedFlagsAndMethod() throws {
    var bytes = try TestStreams.fixture("gzip/gnu-gzip-9.gz")
    bytes[3] = 0x20
    #expect(failure(bytes, .gzip) == .corrupt(format: "gzip", offset: 3, reason: "reserved header flags are set (0x20)"))
    bytes[3] = 0
    bytes[2] = 7
    #expect(failure(bytes, .gzip) == .unsupported(format: "gzip", offset: 2, feature: "compression method 7 (only 8, deflate, is defined)"))
    #expect(failure([0x1F, 0x8C], .gzip) == .corrupt(format: "gzip", offset: 1, reason: "not gzip data (a member starts with the bytes 1f 8b)"))
  }

  @Test func gzipCheckValues() throws {
    let good = try TestStreams.fixture("gzip/gnu-gzip-9.gz")
    var crc = good
    crc[crc.count - 8] ^= 0xFF
    guard case .checksumMismatch(let format, let offset, let expected, let actual)? = failure(crc, .gzip) else {
      Issue.record("a flipped CRC passed")
      return
    }
    #expect(format == "gzip" && offset == good.count - 8)
    #expect(actual == CRC32.checksum(text) && expected == actual ^ 0xFF)
    var size = good
    size[size.count - 1] ^= 1
    guard case .corrupt(_, let sizeOffset, _)? = failure(size, .gzip) else {
      Issue.record("a wrong ISIZE passed")
      return
    }
    #expect(sizeOffset == good.count - 4)
  }

  @Test func trailingBytesAfterGzip() throws {
    let good = try TestStreams.fixture("gzip/gnu-gzip-9.gz")
    let padded = try Inflate.decode(good + [UInt8](repeating: 0, count: 512), wrapper: .gzip, limit: 1 << 20)
    TestStreams.expectSame(padded.bytes, text)
    #expect(padded.trailingGarbageBytes == 0 && padded.members == 1)

    let garbage = try Inflate.decode(good + [0, 0, 7, 1], wrapper: .gzip, limit: 1 << 20)
    TestStreams.expectSame(garbage.bytes, text)
    #expect(garbage.trailingGarbageBytes == 4)

    let lone = try Inflate.decode(good + [0x1F], wrapper: .gzip, limit: 1 << 20)
    #expect(lone.trailingGarbageBytes == 1 && lone.members == 1)
    // The magic of a second member that then ends: truncated, not garbage.
    #expect(failure(good + [0x1F, 0x8B, 8], .gzip) == .truncated(format: "gzip", offset: good.count + 3))
    // The reader reports it too, after the last read.
    let bytes = good + [9, 9]
    var position = 0
    let reader = DecompressingReader(wrapper: .gzip) { buffer in
      let n = min(buffer.count, bytes.count - position)
      buffer.copyBytes(from: bytes[position..<(position + n)])
      position += n
      return n
    }
    var out = [UInt8](repeating: 0, count: 100_000)
    var total = 0
    while true {
      let n = try out.withUnsafeMutableBytes { try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[total...])) }
      if n == 0 { break }
      total += n
    }
    TestStreams.expectSame(Array(out[0..<total]), text)
    #expect(reader.trailingGarbageBytes == 2 && reader.members == 1 && reader.decompressedBytes == text.count)
  }

  /// CMF and FLG with FCHECK set so that the header check passes.
  func zlibHeader(_ cmf: UInt8, flags: UInt8 = 0x80) -> [UInt8] {
    let remainder = (Int(cmf) * 256 + Int(flags)) % 31
    return [cmf, flags + UInt8(remainder == 0 ? 0 : 31 - remainder)]
  }

  @Test func zlibHeaderChecks() throws {
    let good = try TestStreams.fixture("deflate/l6-default.zz")
    var bytes = good
    bytes[1] ^= 1
    #expect(failure(bytes, .zlib) == .corrupt(format: "zlib", offset: 0, reason: "the header check (FCHECK) fails: not zlib data"))
    // FDICT set, FCHECK fixed up.
    #expect(failure(zlibHeader(0x78, flags: 0xA0) + [0, 0, 0, 1], .zlib) == .unsupported(format: "zlib", offset: 1, feature: "a preset dictionary (FDICT)"))
    #expect(failure(zlibHeader(0x87), .zlib) == .unsupported(format: "zlib", offset: 0, feature: "compression method 7 (only 8, deflate, is defined)"))
    #expect(failure(zlibHeader(0x88), .zlib) == .corrupt(format: "zlib", offset: 0, reason: "a window of 2^16 bytes (CINFO 8 > 7)"))
    bytes = good
    bytes[bytes.count - 1] ^= 0x10
    guard case .checksumMismatch(let format, let offset, _, let actual)? = failure(bytes, .zlib) else {
      Issue.record("a flipped Adler-32 passed")
      return
    }
    #expect(format == "zlib" && offset == good.count - 4 && actual == Adler32.checksum(text))
  }

  /// A `readInput` error reaches the caller unchanged.
  @Test func readerPassesInputErrorsThrough() throws {
    struct Unplugged: Error, Equatable {}
    let reader = DecompressingReader(wrapper: .gzip) { _ in throw Unplugged() }
    var buffer = [UInt8](repeating: 0, count: 16)
    #expect(throws: Unplugged()) { _ = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) } }
  }
}
