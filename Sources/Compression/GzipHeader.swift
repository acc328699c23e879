/// Reads a gzip member header (RFC 1952 §2.3) one byte at a time, so that a header split across
/// input pieces anywhere (down to single bytes) reads the same, in memory that does not grow
/// with the header (a file name is not kept).
///
/// Layout: 1f 8b, CM (8 = deflate; others are refused as unsupported), FLG, MTIME (4), XFL, OS,
/// then by flag: FEXTRA (2-byte length + data), FNAME (zero-terminated), FCOMMENT
/// (zero-terminated), FHCRC (the low 16 bits of the CRC-32 of the header bytes before it, checked).
/// FTEXT is only a hint and is ignored. The reserved flags 0x20, 0x40, 0x80 make the header
/// corrupt (as zlib and GNU gzip say).
struct GzipHeader {
  private enum Step { case fixed, extraLength, extra, name, comment, headerCRC, done }

  private var step = Step.fixed
  private var index = 0
  private var flags: UInt8 = 0
  private var remaining = 0
  private var stored: UInt32 = 0
  private var crc = CRC32()

  var isComplete: Bool { step == .done }

  private static let extraFlag: UInt8 = 0x04, nameFlag: UInt8 = 0x08, commentFlag: UInt8 = 0x10, crcFlag: UInt8 = 0x02

  /// Takes the next header byte, found at `offset` in the compressed input.
  mutating func feed(_ byte: UInt8, offset: Int) throws(CompressionError) {
    if step != .headerCRC { withUnsafeBytes(of: byte) { crc.update($0) } }
    switch step {
    case .fixed:
      switch index {
      case 0 where byte != 0x1F, 1 where byte != 0x8B:
        throw .corrupt(format: "gzip", offset: offset, reason: "not gzip data (a member starts with the bytes 1f 8b)")
      case 2 where byte != 8:
        throw .unsupported(format: "gzip", offset: offset, feature: "compression method \(byte) (only 8, deflate, is defined)")
      case 3:
        guard byte & 0xE0 == 0 else {
          throw .corrupt(format: "gzip", offset: offset, reason: "reserved header flags are set (0x\(String(byte, radix: 16)))")
        }
        flags = byte
      default: break
      }
      index += 1
      if index == 10 { advance(from: .fixed) }
    case .extraLength:
      remaining |= Int(byte) << (8 * index)
      index += 1
      if index == 2 {
        step = .extra
        if remaining == 0 { advance(from: .extra) }
      }
    case .extra:
      remaining -= 1
      if remaining == 0 { advance(from: .extra) }
    case .name:
      if byte == 0 { advance(from: .name) }
    case .comment:
      if byte == 0 { advance(from: .comment) }
    case .headerCRC:
      stored |= UInt32(byte) << (8 * UInt32(index))
      index += 1
      if index == 2 {
        let actual = crc.value & 0xFFFF
        guard stored == actual else {
          throw .checksumMismatch(format: "gzip", offset: offset - 1, expected: stored, actual: actual)
        }
        step = .done
      }
    case .done:
      preconditionFailure("a complete gzip header was fed another byte")
    }
  }

  /// The step after `step` given the flags (fields absent from the flags are skipped).
  private mutating func advance(from finished: Step) {
    index = 0
    remaining = 0
    let order: [(Step, UInt8)] = [(.extraLength, Self.extraFlag), (.name, Self.nameFlag), (.comment, Self.commentFlag), (.headerCRC, Self.crcFlag)]
    let after: Int
    switch finished {
    case .fixed: after = 0
    case .extraLength, .extra: after = 1
    case .name: after = 2
    case .comment: after = 3
    case .headerCRC, .done: after = 4
    }
    for (candidate, flag) in order[after...] where flags & flag != 0 {
      step = candidate
      return
    }
    step = .done
  }
}
