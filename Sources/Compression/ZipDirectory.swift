/// Finds and parses a zip archive's central directory (APPNOTE sections 4.3.12 to 4.3.16).
///
/// The end-of-central-directory record (22 bytes and a comment of up to 65,535) is searched for
/// backwards over the last 65,557 bytes; the first signature from the end whose comment fits is
/// taken. A ZIP64 locator just before it points at the ZIP64 record, whose 64-bit counts and
/// offsets replace the record's. The central directory must end where the (ZIP64) record
/// starts; if its stored offset is lower than that, the difference is bytes prepended to the
/// archive (a self-extractor stub) and is added to every member offset, as Info-ZIP does.
enum ZipDirectory {
  struct Listing {
    var members: [ZipArchive.Member]
    var comment: [UInt8]
    var start: Int
    var bias: Int
  }

  static func corrupt(_ offset: Int, _ reason: String) -> CompressionError {
    .corrupt(format: "zip", offset: offset, reason: reason)
  }

  static func signature(_ bytes: [UInt8], _ at: Int) -> UInt32 { ZipFields(bytes: bytes, base: at).u32(0) }

  /// Sizes and offsets above 2^62 are refused (no real archive has them; they would overflow sums).
  static func checked(_ value: UInt64, _ offset: Int, _ what: String) throws(CompressionError) -> Int {
    guard value < 1 << 62 else { throw corrupt(offset, "\(what) of \(value) bytes is impossible") }
    return Int(value)
  }

  static func read(_ source: ZipSource, limits: ZipArchive.Limits) throws(CompressionError) -> Listing {
    let size = source.size
    guard size >= 22 else { throw corrupt(0, "not a zip archive (\(size) bytes, no end-of-central-directory record)") }
    let tailStart = size - Swift.min(size, 65_535 + 22)
    let tail = try source.bytes(at: tailStart, count: size - tailStart)
    var found = -1
    var i = tail.count - 22
    while i >= 0 {
      if tail[i] == 0x50 && tail[i + 1] == 0x4B && tail[i + 2] == 5 && tail[i + 3] == 6
        && i + 22 + ZipFields(bytes: tail, base: i).u16(20) <= tail.count
      {
        found = i
        break
      }
      i -= 1
    }
    guard found >= 0 else { throw corrupt(size, "no end-of-central-directory record: not a zip archive, or truncated") }
    let record = ZipFields(bytes: tail, base: found)
    let recordOffset = tailStart + found
    let comment = Array(tail[(found + 22)..<(found + 22 + record.u16(20))])
    var disk = record.u16(4), directoryDisk = record.u16(6)
    var entriesHere = record.u16(8), entries = record.u16(10)
    var directorySize = Int(record.u32(12)), directoryOffset = Int(record.u32(16))
    var end = recordOffset
    if recordOffset >= 20 {
      let locator = try source.bytes(at: recordOffset - 20, count: 20)
      if signature(locator, 0) == 0x0706_4B50 {
        let l = ZipFields(bytes: locator, base: 0)
        // The ZIP64 record is 56 bytes (plus extensible data) before the locator.
        var at = try checked(l.u64(8), recordOffset - 12, "a ZIP64 record offset")
        var valid = at + 56 <= recordOffset - 20
        if valid { valid = try source.bytes(at: at, count: 4) == [0x50, 0x4B, 6, 6] }
        if !valid { at = recordOffset - 20 - 56 }
        guard at >= 0 else { throw corrupt(recordOffset - 20, "the ZIP64 locator points outside the archive") }
        let bytes = try source.bytes(at: at, count: 56)
        guard signature(bytes, 0) == 0x0606_4B50 else { throw corrupt(at, "no ZIP64 end-of-central-directory record where the locator points") }
        let r = ZipFields(bytes: bytes, base: 0)
        disk = try checked(UInt64(r.u32(16)), at + 16, "a disk number")
        directoryDisk = try checked(UInt64(r.u32(20)), at + 20, "a disk number")
        entriesHere = try checked(r.u64(24), at + 24, "an entry count")
        entries = try checked(r.u64(32), at + 32, "an entry count")
        directorySize = try checked(r.u64(40), at + 40, "a central directory")
        directoryOffset = try checked(r.u64(48), at + 48, "a central directory offset")
        end = at
      }
    }
    guard disk == 0 && directoryDisk == 0 && entriesHere == entries else {
      throw .unsupported(format: "zip", offset: recordOffset, feature: "a split (multi-disk) archive")
    }
    guard directorySize <= end else {
      throw corrupt(recordOffset + 12, "a central directory of \(directorySize) bytes does not fit before byte \(end)")
    }
    let start = end - directorySize
    let bias = start - directoryOffset
    guard bias >= 0 else {
      throw corrupt(recordOffset + 16, "the central directory offset \(directoryOffset) is past where it ends")
    }
    guard entries <= limits.maximumEntries else {
      throw .limitExceeded(format: "zip", offset: recordOffset + 10, limit: limits.maximumEntries, what: "the number of entries")
    }
    guard entries <= directorySize / 46 else {
      throw corrupt(recordOffset + 10, "\(entries) entries cannot fit in a \(directorySize)-byte central directory (46 bytes each at least)")
    }
    let directory = try source.bytes(at: start, count: directorySize)
    var members: [ZipArchive.Member] = []
    members.reserveCapacity(entries)
    var p = 0
    for index in 0..<entries {
      let member = try entry(directory, &p, index: index, fileOffset: start)
      members.append(member)
    }
    return Listing(members: members, comment: comment, start: start, bias: bias)
  }

  /// The central directory entry at `p` (46 bytes, name, extra fields, comment); advances `p`.
  static func entry(_ directory: [UInt8], _ p: inout Int, index: Int, fileOffset: Int) throws(CompressionError) -> ZipArchive.Member {
    let at = fileOffset + p
    guard p + 46 <= directory.count else { throw corrupt(at, "the central directory ends inside entry \(index)") }
    let e = ZipFields(bytes: directory, base: p)
    guard e.u32(0) == 0x0201_4B50 else { throw corrupt(at, "entry \(index) of the central directory has no signature") }
    let flags = e.u16(8), method = e.u16(10), crc = e.u32(16)
    var compressed = UInt64(e.u32(20)), uncompressed = UInt64(e.u32(24)), offset = UInt64(e.u32(42))
    let nameLength = e.u16(28), extraLength = e.u16(30), commentLength = e.u16(32)
    guard p + 46 + nameLength + extraLength + commentLength <= directory.count else {
      throw corrupt(at, "entry \(index) runs past the end of the central directory")
    }
    let rawName = Array(directory[(p + 46)..<(p + 46 + nameLength)])
    var name = flags & 0x800 != 0 ? String(decoding: rawName, as: UTF8.self) : CP437.decode(rawName)
    // Extra fields: ZIP64 (0x0001) sizes and offset; Info-ZIP's Unicode path (0x7075).
    var x = p + 46 + nameLength
    let extraEnd = x + extraLength
    while x + 4 <= extraEnd {
      let f = ZipFields(bytes: directory, base: x)
      let id = f.u16(0), length = f.u16(2)
      guard x + 4 + length <= extraEnd else { break }
      if id == 0x0001 {
        var q = x + 4
        func next() throws(CompressionError) -> UInt64 {
          guard q + 8 <= x + 4 + length else { throw corrupt(fileOffset + x, "the ZIP64 extra field of entry \(index) is too short") }
          defer { q += 8 }
          return ZipFields(bytes: directory, base: q).u64(0)
        }
        if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
        if compressed == 0xFFFF_FFFF { compressed = try next() }
        if offset == 0xFFFF_FFFF { offset = try next() }
      } else if id == 0x7075 && length >= 5 && flags & 0x800 == 0 && directory[x + 4] == 1
        && ZipFields(bytes: directory, base: x + 5).u32(0) == CRC32.checksum(rawName)
      {
        name = String(decoding: directory[(x + 9)..<(x + 4 + length)], as: UTF8.self)
      }
      x += 4 + length
    }
    p += 46 + nameLength + extraLength + commentLength
    return ZipArchive.Member(
      index: index, name: name, rawName: rawName, method: method, flags: flags, crc32: crc,
      compressedSize: try checked(compressed, at + 20, "a compressed size"),
      uncompressedSize: try checked(uncompressed, at + 24, "an uncompressed size"),
      localHeaderOffset: try checked(offset, at + 42, "a local header offset"))
  }
}
