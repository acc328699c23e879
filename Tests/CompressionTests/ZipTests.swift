import Testing

@testable import Compression

/// Zip archives from Python's zipfile, Info-ZIP's zip, and a small writer for the hostile ones.
@Suite struct ZipTests {
  let text: [UInt8]

  init() throws { text = try TestStreams.fixture("deflate/input.txt") }

  func archive(_ name: String, limits: ZipArchive.Limits = .init()) throws -> ZipArchive {
    try ZipArchive(path: TestStreams.fixtures + "zip/" + name, limits: limits)
  }

  func openFailure(_ name: String, limits: ZipArchive.Limits = .init()) -> CompressionError? {
    do {
      _ = try archive(name, limits: limits)
      return nil
    } catch let error as CompressionError {
      return error
    } catch {
      return nil
    }
  }

  func readFailure(_ archive: ZipArchive, _ member: ZipArchive.Member) -> CompressionError? {
    do {
      _ = try archive.contents(of: member, limit: 1 << 30)
      return nil
    } catch {
      return error
    }
  }

  @Test func storedAndDeflatedMembers() throws {
    let stored = try archive("stored.zip")
    #expect(stored.members.map(\.name) == ["data/", "data/input.txt", "data/empty.txt"])
    #expect(stored.members.map(\.isDirectory) == [true, false, false])
    #expect(stored.members.map(\.method) == [0, 0, 0])
    TestStreams.expectSame(try stored.contents(of: stored.members[1], limit: 1 << 20), text)
    #expect(try stored.contents(of: stored.members[2], limit: 0) == [])

    let deflated = try archive("deflated.zip")
    #expect(deflated.members.map(\.name) == ["input.txt", "twice.txt", "empty.txt"])
    #expect(deflated.members[1].uncompressedSize == 2 * text.count && deflated.members[1].crc32 == CRC32.checksum(text + text))
    #expect(deflated.comment == Array("an archive comment".utf8))
    TestStreams.expectSame(try deflated.contents(of: deflated.members[1], limit: 1 << 20), text + text)
    #expect(try deflated.contents(of: deflated.members[2], limit: 0) == [])
    // Streaming, 1 byte at a time: the same bytes.
    let reader = try deflated.reader(for: deflated.members[0])
    var out: [UInt8] = []
    var one: [UInt8] = [0]
    while try one.withUnsafeMutableBytes({ raw throws(CompressionError) in try reader.read(into: raw) }) == 1 { out += one }
    TestStreams.expectSame(out, text)
  }

  @Test(arguments: ["zip64-python.zip", "zip64-records.zip", "infozip-zip64.zip", "descriptor-python.zip", "infozip-stdin.zip", "prefixed.zip"])
  func zip64DescriptorsAndPrefixes(name: String) throws {
    let zip = try archive(name)
    #expect(zip.members.count >= 1)
    let member = try #require(zip.members.first)
    #expect(member.uncompressedSize == text.count && member.crc32 == CRC32.checksum(text))
    TestStreams.expectSame(try zip.contents(of: member, limit: 1 << 20), text, name)
  }

  @Test func zip64RecordsAreUsed() throws {
    let zip = try archive("zip64-records.zip")
    #expect(zip.members.map(\.name) == ["input.txt", "copy.txt"])
    #expect(zip.members[1].method == 0 && zip.members[1].compressedSize == text.count)
    TestStreams.expectSame(try zip.contents(of: zip.members[1], limit: 1 << 20), text)
    let descriptors = try archive("descriptor-python.zip")
    #expect(descriptors.members.map(\.flags).allSatisfy { $0 & 8 != 0 })
    TestStreams.expectSame(try descriptors.contents(of: descriptors.members[1], limit: 100), Array(text[0..<100]))
  }

  @Test func namesInUTF8AndCP437AreDecodedAndNeverPaths() throws {
    #expect(try archive("names-utf8.zip").members.map(\.name) == ["café/naïve ☕.txt", "ascii.txt"])
    let cp437 = try archive("names-cp437.zip").members[0]
    #expect(cp437.name == "café größe.txt")
    #expect(cp437.rawName == Array("caf".utf8) + [0x82] + Array(" gr".utf8) + [0x94, 0xE1] + Array("e.txt".utf8))
    let unsafe = try archive("names-unsafe.zip")
    #expect(unsafe.members.map(\.name) == ["../../evil.txt", "/etc/passwd"])
    #expect(try unsafe.contents(of: unsafe.members[0], limit: 10) == Array("x\n".utf8))
  }

  @Test func encryptedAndOtherMethodsAreRefusedByName() throws {
    let encrypted = try archive("infozip-encrypted.zip")
    #expect(encrypted.members[0].isEncrypted)
    #expect(readFailure(encrypted, encrypted.members[0]) == .unsupported(format: "zip", offset: 0, feature: "encryption (member input.txt)"))
    let bzip2 = try archive("infozip-bzip2.zip")
    #expect(bzip2.members[0].methodName == "bzip2")
    #expect(readFailure(bzip2, bzip2.members[0]) == .unsupported(format: "zip", offset: 0, feature: "the bzip2 compression method (member input.txt)"))
    let mixed = try archive("bzip2-lzma.zip")
    #expect(mixed.members.map(\.methodName) == ["bzip2", "LZMA", "deflate"])
    #expect(try mixed.contents(of: mixed.members[2], limit: 100) == Array("plain\n".utf8))
  }

  @Test func zipBombsAreRefused() throws {
    guard case .corrupt(_, _, let reason)? = openFailure("bomb-overlap.zip") else {
      Issue.record("overlapping members were accepted")
      return
    }
    #expect(reason == "members k.txt and k.txt overlap (a zip bomb's construction)")
    guard case .limitExceeded(_, _, let limit, let what)? = openFailure("bomb-claims.zip") else {
      Issue.record("a member claiming 2^40 bytes was accepted")
      return
    }
    #expect(limit == 1000 && what.contains("claims 1099511627776 bytes"))
    // 10 MB of zeros in 10 KB: fine by default, refused under a ratio of 100 above 1 MiB, or
    // a total of 5 MB.
    let zeros = try archive("zeros.zip")
    #expect(zeros.members[0].uncompressedSize == 10_000_000)
    let tight = openFailure("zeros.zip", limits: .init(maximumRatio: 100, ratioAppliesAbove: 1 << 20))
    guard case .limitExceeded(_, _, 100, _)? = tight else {
      Issue.record("the ratio limit was not applied: \(String(describing: tight))")
      return
    }
    let total = openFailure("zeros.zip", limits: .init(maximumTotalSize: 5_000_000))
    #expect(total == .limitExceeded(format: "zip", offset: 0, limit: 5_000_000, what: "all members together"))
    // Decoding more than the declared size fails while reading.
    let lie = try archive("size-lie.zip")
    guard case .corrupt(_, _, let lieReason)? = readFailure(lie, lie.members[0]) else {
      Issue.record("a member decoded past its declared size")
      return
    }
    #expect(lieReason == "member short.txt decodes to more than the 100 bytes its entry says")
  }

  @Test func malformedDirectoriesAndChecksums() throws {
    #expect(openFailure("too-many-entries.zip") == .corrupt(format: "zip", offset: 100, reason: "5 entries cannot fit in a 51-byte central directory (46 bytes each at least)"))
    let bad = try archive("bad-crc.zip")
    guard case .checksumMismatch(_, _, let expected, let actual)? = readFailure(bad, bad.members[0]) else {
      Issue.record("a wrong CRC passed")
      return
    }
    #expect(actual == CRC32.checksum(text) && expected == actual ^ 1)
    #expect(throws: CompressionError.self) { try ZipArchive(bytes: Array(repeating: 0, count: 100)) }
    #expect(throws: CompressionError.self) { try ZipArchive(bytes: []) }
  }

  /// A one-member archive of `data` stored under `crc` (little-endian fields written out).
  static func storedArchive(_ data: [UInt8], crc: UInt32) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func u32(_ v: UInt32) -> [UInt8] { TestStreams.littleEndian(v) }
    let name = Array("e.txt".utf8), size = UInt32(data.count)
    let local = u32(0x0403_4B50) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(crc) + u32(size) + u32(size)
      + u16(name.count) + u16(0) + name + data
    let central = u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(crc) + u32(size)
      + u32(size) + u16(name.count) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0) + u32(0) + name
    let end = u32(0x0605_4B50) + u16(0) + u16(0) + u16(1) + u16(1) + u32(UInt32(central.count)) + u32(UInt32(local.count)) + u16(0)
    return local + central + end
  }

  /// Regression (fuzz target zip-directory): an empty member's CRC-32 was not checked, because
  /// reading into an empty buffer never reached the end of the member.
  @Test func emptyMembersHaveTheirCRCChecked() throws {
    let good = try ZipArchive(bytes: ZipTests.storedArchive([], crc: 0))
    #expect(try good.contents(of: good.members[0], limit: 0) == [])
    let bad = try ZipArchive(bytes: ZipTests.storedArchive([], crc: 0x79A8_CE3B))
    #expect(readFailure(bad, bad.members[0]) == .checksumMismatch(format: "zip", offset: 35, expected: 0x79A8_CE3B, actual: 0))
    let one = try ZipArchive(bytes: ZipTests.storedArchive([7], crc: CRC32.checksum([7])))
    #expect(try one.contents(of: one.members[0], limit: 1) == [7])
  }

  /// Every truncation and every single-byte change of an archive fails cleanly or reads.
  @Test func damagedArchivesNeverCrash() throws {
    let bytes = try TestStreams.fixture("zip/deflated.zip")
    for cut in stride(from: 0, to: bytes.count, by: 7) {
      exercise(Array(bytes[..<cut]))
    }
    for i in 0..<bytes.count {
      var damaged = bytes
      damaged[i] ^= 0x5A
      exercise(damaged)
    }
  }

  func exercise(_ bytes: [UInt8]) {
    guard let zip = try? ZipArchive(bytes: bytes) else { return }
    for member in zip.members { _ = try? zip.contents(of: member, limit: 1 << 20) }
  }
}
