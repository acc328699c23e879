@testable import Compression

/// The in-process decoders (Sources/Compression) on any bytes: each must return output or a
/// `CompressionError`, the same whether the input comes whole or one byte at a time.
enum CompressionTargets {
  static let all: [(name: String, run: ([UInt8]) -> Void)] = [
    ("inflate", { stream($0, .raw) }), ("gzip", { stream($0, .gzip) }), ("zlib", { stream($0, .zlib) }),
    ("zip-directory", zipDirectory), ("deflate-roundtrip", deflateRoundTrip),
  ]

  /// The encoder on any bytes (`GzipEncoder`, `Deflater`): the gzip member decodes back to them
  /// exactly, and the raw stream is the same whether the bytes come whole or in pieces whose
  /// sizes the input's first byte picks.
  static func deflateRoundTrip(_ bytes: [UInt8]) {
    var encoder = GzipEncoder()
    let member = bytes.withUnsafeBytes { encoder.compress($0) } + encoder.finish()
    let decoded = Result { () throws(CompressionError) in try Inflate.gzip(member, limit: bytes.count + 1) }
    FuzzTargets.check((try? decoded.get()) == bytes, "the gzip member does not decode to the input (\(decoded))")
    var whole = Deflater()
    let one = bytes.withUnsafeBytes { whole.compress($0) } + whole.finish()
    var split = Deflater()
    var pieces: [UInt8] = []
    let step = 1 + Int(bytes.first ?? 0) * 5
    var at = 0
    while at < bytes.count {
      let end = min(bytes.count, at + step)
      pieces += Array(bytes[at..<end]).withUnsafeBytes { split.compress($0) }
      at = end
    }
    pieces += split.finish()
    FuzzTargets.check(one == pieces, "whole and split input encode differently")
  }

  /// The output cap: hostile input may expand about 1,000 times; keep each run fast.
  static let limit = 1 << 22

  /// Decodes whole, then fed in 1-byte pieces (and read out in odd sizes): both must agree on
  /// the bytes, the trailing garbage, or the error (with its offset).
  static func stream(_ bytes: [UInt8], _ wrapper: DecompressingReader.Wrapper) {
    let whole = Result { () throws(CompressionError) in try Inflate.decode(bytes, wrapper: wrapper, limit: limit) }
    var position = 0
    let reader = DecompressingReader(wrapper: wrapper, limit: limit, inputBufferSize: 1) { buffer in
      guard position < bytes.count else { return 0 }
      buffer[0] = bytes[position]
      position += 1
      return 1
    }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 + Int(bytes.last ?? 0) * 37)
    let piecewise: Result<[UInt8], CompressionError>
    do {
      while true {
        let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
        if n == 0 { break }
        output += chunk[0..<n]
      }
      piecewise = .success(output)
    } catch let error as CompressionError {
      piecewise = .failure(error)
    } catch {
      FuzzTargets.check(false, "a non-CompressionError: \(error)")
      return
    }
    switch (whole, piecewise) {
    case (.success(let a), .success(let b)):
      FuzzTargets.check(a.bytes == b, "whole and 1-byte pieces decode differently (\(a.bytes.count) vs \(b.count) bytes)")
      FuzzTargets.check(a.trailingGarbageBytes == reader.trailingGarbageBytes, "trailing garbage differs")
      FuzzTargets.check(a.bytes.count <= limit, "output past the limit")
    case (.failure(let a), .failure(let b)):
      FuzzTargets.check(a == b, "whole and 1-byte pieces fail differently: \(a) vs \(b)")
      FuzzTargets.check(a.offset >= 0 && a.offset <= bytes.count, "an error offset \(a.offset) outside the input")
    default:
      FuzzTargets.check(false, "whole and 1-byte pieces disagree: \(whole) vs \(piecewise)")
    }
  }

  /// Lists the archive held in the bytes and reads every member it can.
  static func zipDirectory(_ bytes: [UInt8]) {
    guard let archive = try? ZipArchive(bytes: bytes, limits: .init(maximumTotalSize: 1 << 26)) else { return }
    FuzzTargets.check(archive.members.count <= bytes.count / 46, "more members than the bytes can hold")
    for member in archive.members {
      FuzzTargets.check(member.compressedSize >= 0 && member.uncompressedSize >= 0, "a negative size")
      guard let data = try? archive.contents(of: member, limit: limit) else { continue }
      FuzzTargets.check(data.count == member.uncompressedSize, "a member read to another size than declared")
      FuzzTargets.check(CRC32.checksum(data) == member.crc32, "a member read with another CRC-32")
    }
  }
}
