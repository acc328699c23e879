/// A zip archive (PKWARE APPNOTE 6.3.x) read in place: the central directory is listed when it
/// is opened, and each member is read on demand, streaming, with its CRC-32 and size checked.
///
/// Read: ZIP64 (the end-of-central-directory locator and record, and the 0x0001 extra field),
/// data descriptors (flag bit 3: sizes and CRC come from the central directory, the descriptor's
/// CRC is compared when present, with or without its signature), UTF-8 (flag bit 11) and CP437
/// names, methods 0 (stored) and 8 (deflate). Refused by name when read: encrypted members,
/// other methods (deflate64, bzip2, LZMA, Zstandard, xz…). Refused when opened: split archives.
///
/// Zip bombs: the archive is refused when opened if its entries claim more than `Limits` allow
/// (a ratio above 1,000:1 past 64 MiB, for any member or for all together; 64 GiB in all), if
/// it has more entries than its central directory has room for, or if member data ranges
/// overlap (the "better zip bomb" of overlapping local headers). A member that decodes to more
/// than its declared size fails while being read, so declared sizes bound the output. Nothing
/// is allocated from a size in a header: a claim of 2^60 bytes is refused, not allocated.
///
/// Member names are data: nothing here writes files or uses a name as a path.
public final class ZipArchive: @unchecked Sendable {
  /// The members in central-directory order.
  public let members: [Member]
  /// The archive comment's bytes.
  public let comment: [UInt8]
  public let limits: Limits
  let source: ZipSource
  /// Where the central directory starts (member data must end before it).
  let directoryStart: Int
  /// Bytes prepended to the archive (a self-extractor stub), added to every stored offset.
  let bias: Int

  /// Opens the archive at `path` and reads its central directory.
  public convenience init(path: String, limits: Limits = Limits()) throws(CompressionError) {
    try self.init(source: ZipSource(path: path), limits: limits)
  }

  /// Reads the archive held in `bytes`.
  public convenience init(bytes: [UInt8], limits: Limits = Limits()) throws(CompressionError) {
    try self.init(source: ZipSource(bytes: bytes), limits: limits)
  }

  init(source: ZipSource, limits: Limits) throws(CompressionError) {
    self.source = source
    self.limits = limits
    let directory = try ZipDirectory.read(source, limits: limits)
    members = directory.members
    comment = directory.comment
    directoryStart = directory.start
    bias = directory.bias
    try checkOverlaps()
    try checkLimits()
  }

  /// A streaming reader of `member`'s uncompressed bytes.
  ///
  /// - Throws: `.unsupported` for an encrypted member or a method other than stored/deflate;
  ///   `.corrupt` when its local header disagrees with the central directory.
  public func reader(for member: Member) throws(CompressionError) -> ZipMemberReader {
    try ZipMemberReader(archive: self, member: member)
  }

  /// All of `member`'s bytes (for small members; `limit` caps them, `.limitExceeded` beyond).
  public func contents(of member: Member, limit: Int) throws(CompressionError) -> [UInt8] {
    guard member.uncompressedSize <= limit else {
      throw .limitExceeded(format: "zip", offset: member.localHeaderOffset, limit: limit, what: "member \(member.name)")
    }
    let reader = try reader(for: member)
    var output = [UInt8](repeating: 0, count: member.uncompressedSize)
    var filled = 0
    while filled < output.count {
      let step = output.withUnsafeMutableBytes { raw in
        Result { () throws(CompressionError) in try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...])) }
      }
      let n = try step.get()
      if n == 0 { break }
      filled += n
    }
    // Once more, into a spare byte: the end, where the reader checks the size and the CRC-32.
    var spare: [UInt8] = [0]
    let last = spare.withUnsafeMutableBytes { raw in
      Result { () throws(CompressionError) in try reader.read(into: raw) }
    }
    _ = try last.get()
    return output
  }

  private func checkLimits() throws(CompressionError) {
    var total = 0, compressed = 0
    for m in members {
      total = total.addingReportingOverflow(m.uncompressedSize).overflow ? Int.max : total + m.uncompressedSize
      compressed += m.compressedSize
      if m.uncompressedSize > limits.ratioAppliesAbove
        && m.uncompressedSize / limits.maximumRatio > m.compressedSize
      {
        throw .limitExceeded(
          format: "zip", offset: m.localHeaderOffset, limit: limits.maximumRatio,
          what: "member \(m.name): it claims \(m.uncompressedSize) bytes from \(m.compressedSize) (the ratio limit)")
      }
      guard total <= limits.maximumTotalSize else {
        throw .limitExceeded(format: "zip", offset: m.localHeaderOffset, limit: limits.maximumTotalSize, what: "all members together")
      }
    }
    if total > limits.ratioAppliesAbove && total / limits.maximumRatio > source.size {
      throw .limitExceeded(
        format: "zip", offset: 0, limit: limits.maximumRatio,
        what: "all members together: they claim \(total) bytes from a \(source.size)-byte archive (the ratio limit)")
    }
  }

  /// Member data ranges (local header, name and data, at least) must not overlap and must end
  /// before the central directory.
  private func checkOverlaps() throws(CompressionError) {
    let ranges = members.map { m in (start: m.localHeaderOffset + bias, end: m.localHeaderOffset + bias + 30 + m.rawName.count + m.compressedSize, member: m) }
      .sorted { $0.start < $1.start || ($0.start == $1.start && $0.member.index < $1.member.index) }
    var previous: (start: Int, end: Int, member: Member)? = nil
    for r in ranges {
      guard r.end <= directoryStart else {
        throw .corrupt(format: "zip", offset: r.start, reason: "member \(r.member.name) runs into the central directory")
      }
      if let p = previous, r.start < p.end {
        throw .corrupt(format: "zip", offset: r.start, reason: "members \(p.member.name) and \(r.member.name) overlap (a zip bomb's construction)")
      }
      previous = r
    }
  }
}
