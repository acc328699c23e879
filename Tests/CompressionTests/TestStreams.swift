import Compression
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Fixtures and helpers shared by the compression tests.
enum TestStreams {
  static let fixtures: String = {
    let file = "\(#filePath)"
    return String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures/"
  }()

  struct Missing: Error { let path: String }

  static func fixture(_ name: String) throws -> [UInt8] {
    let path = fixtures + name
    guard let f = fopen(path, "rb") else { throw Missing(path: path) }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = fread(&chunk, 1, chunk.count, f)
      if n == 0 { break }
      bytes += chunk[0..<n]
    }
    return bytes
  }

  static func fixtureNames(_ directory: String) -> [String] {
    guard let dir = opendir(fixtures + directory) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if !name.hasPrefix(".") { names.append(name) }
    }
    return names.sorted()
  }

  /// Records an issue naming the first differing byte (not the whole arrays) when `a != b`.
  static func expectSame(
    _ a: [UInt8], _ b: [UInt8], _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
  ) {
    guard a != b else { return }
    let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    Issue.record("\(comment) differ: \(a.count) and \(b.count) bytes, first difference at byte \(first)", sourceLocation: sourceLocation)
  }

  /// `raw` DEFLATE data in a zlib or gzip wrapper, with the check values of `content`.
  static func wrap(_ raw: [UInt8], _ wrapper: DecompressingReader.Wrapper, content: [UInt8]) -> [UInt8] {
    switch wrapper {
    case .raw:
      return raw
    case .zlib:
      let a = Adler32.checksum(content)
      return [0x78, 0x9C] + raw + [UInt8(a >> 24), UInt8((a >> 16) & 0xFF), UInt8((a >> 8) & 0xFF), UInt8(a & 0xFF)]
    case .gzip:
      let c = CRC32.checksum(content), n = UInt32(truncatingIfNeeded: content.count)
      return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + raw + littleEndian(c) + littleEndian(n)
    }
  }

  static func littleEndian(_ v: UInt32) -> [UInt8] {
    [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
  }

  /// Everything a `DecompressingReader` gives when `readInput` hands out `inputPiece` bytes at a
  /// time and the caller reads `outputPiece` bytes at a time.
  static func readAll(
    _ bytes: [UInt8], wrapper: DecompressingReader.Wrapper, inputPiece: Int, outputPiece: Int
  ) throws -> [UInt8] {
    var position = 0
    let reader = DecompressingReader(wrapper: wrapper, inputBufferSize: inputPiece) { buffer in
      let n = min(buffer.count, bytes.count - position)
      buffer.copyBytes(from: bytes[position..<(position + n)])
      position += n
      return n
    }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: outputPiece)
    while true {
      let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
      if n == 0 { break }
      output += chunk[0..<n]
    }
    return output
  }
}
