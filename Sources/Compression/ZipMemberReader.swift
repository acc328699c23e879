/// Reads one zip member's uncompressed bytes, streaming; checks at the end that they are as many
/// as the central directory says and have its CRC-32 (and that a data descriptor, when flag bit 3
/// is set, carries the same CRC-32). Errors name byte offsets in the archive file.
///
/// A member may not decode to more than its declared uncompressed size: the declared sizes,
/// checked against `ZipArchive.Limits` when the archive was opened, bound the output.
public final class ZipMemberReader {
  /// The member being read.
  public let member: ZipArchive.Member
  private let source: ZipSource
  /// Where the member's data starts in the archive (after the local header, name and extra).
  public let dataOffset: Int
  private let deflate: DecompressingReader?
  private var storedPosition: Int
  private var produced = 0
  private var crc = CRC32()
  private var finished = false
  private let directoryStart: Int

  init(archive: ZipArchive, member: ZipArchive.Member) throws(CompressionError) {
    let headerAt = member.localHeaderOffset + archive.bias
    guard !member.isEncrypted else {
      throw .unsupported(format: "zip", offset: headerAt, feature: "encryption (member \(member.name))")
    }
    guard member.method == 0 || member.method == 8 else {
      throw .unsupported(format: "zip", offset: headerAt, feature: "the \(member.methodName) compression method (member \(member.name))")
    }
    let source = archive.source
    let header = try source.bytes(at: headerAt, count: 30)
    let h = ZipFields(bytes: header, base: 0)
    guard h.u32(0) == 0x0403_4B50 else {
      throw .corrupt(format: "zip", offset: headerAt, reason: "member \(member.name) has no local header where the central directory says")
    }
    let nameLength = h.u16(26), extraLength = h.u16(28)
    guard nameLength == member.rawName.count, try source.bytes(at: headerAt + 30, count: nameLength) == member.rawName else {
      throw .corrupt(format: "zip", offset: headerAt + 26, reason: "the local header of member \(member.name) names another file than the central directory")
    }
    let start = headerAt + 30 + nameLength + extraLength
    guard start + member.compressedSize <= archive.directoryStart else {
      throw .corrupt(format: "zip", offset: start, reason: "member \(member.name) runs into the central directory")
    }
    if member.method == 0 && member.compressedSize != member.uncompressedSize {
      throw .corrupt(format: "zip", offset: headerAt, reason: "stored member \(member.name) has different compressed and uncompressed sizes")
    }
    self.member = member
    self.source = source
    self.dataOffset = start
    self.directoryStart = archive.directoryStart
    storedPosition = start
    if member.method == 8 {
      var position = start
      let end = start + member.compressedSize
      deflate = DecompressingReader(wrapper: .raw, limit: member.uncompressedSize) { buffer in
        let want = Swift.min(buffer.count, end - position)
        guard want > 0 else { return 0 }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<want]), at: position)
        position += n
        return n
      }
    } else {
      deflate = nil
    }
  }

  /// Uncompressed bytes into a prefix of `buffer`; 0 at the end, after the size and CRC-32 are
  /// checked.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int {
    guard !finished, buffer.count > 0 else { return 0 }
    var n = 0
    if let deflate {
      do {
        n = try deflate.read(into: buffer)
      } catch let error as CompressionError {
        throw relocated(error)
      } catch {
        throw .truncated(format: "zip", offset: dataOffset)
      }
    } else {
      let remaining = dataOffset + member.compressedSize - storedPosition
      n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<Swift.min(buffer.count, remaining)]), at: storedPosition)
      if n == 0 && remaining > 0 { throw .truncated(format: "zip", offset: storedPosition) }
      storedPosition += n
    }
    guard n > 0 else {
      try finish()
      return 0
    }
    crc.update(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
    produced += n
    return n
  }

  private func finish() throws(CompressionError) {
    finished = true
    let end = dataOffset + member.compressedSize
    guard produced == member.uncompressedSize else {
      throw .corrupt(format: "zip", offset: end, reason: "member \(member.name) decodes to \(produced) bytes, not the \(member.uncompressedSize) its entry says")
    }
    guard crc.value == member.crc32 else {
      throw .checksumMismatch(format: "zip", offset: end, expected: member.crc32, actual: crc.value)
    }
    // A data descriptor (flag bit 3): CRC-32, then 32- or 64-bit sizes, with or without the
    // signature 50 4b 07 08 first. Its CRC must be the central directory's.
    if member.flags & 0x08 != 0 && end + 8 <= directoryStart {
      let descriptor = try source.bytes(at: end, count: 8)
      let f = ZipFields(bytes: descriptor, base: 0)
      let first = f.u32(0), second = f.u32(4)
      guard first == member.crc32 || (first == 0x0807_4B50 && second == member.crc32) else {
        throw .corrupt(format: "zip", offset: end, reason: "the data descriptor of member \(member.name) has another CRC-32 than the central directory")
      }
    }
  }

  /// An error of the member's DEFLATE data, with the offset in the archive file.
  private func relocated(_ error: CompressionError) -> CompressionError {
    switch error {
    case .truncated(_, let o): return .truncated(format: "zip", offset: dataOffset + o)
    case .corrupt(_, let o, let reason): return .corrupt(format: "zip", offset: dataOffset + o, reason: "member \(member.name): \(reason)")
    case .checksumMismatch(_, let o, let e, let a): return .checksumMismatch(format: "zip", offset: dataOffset + o, expected: e, actual: a)
    case .unsupported(_, let o, let feature): return .unsupported(format: "zip", offset: dataOffset + o, feature: feature)
    case .limitExceeded(_, let o, _, _):
      return .corrupt(format: "zip", offset: dataOffset + o, reason: "member \(member.name) decodes to more than the \(member.uncompressedSize) bytes its entry says")
    }
  }
}
