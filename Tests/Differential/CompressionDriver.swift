// The command-line driver of the differential check (.ci/compression) and the benchmark
// (bench/inflate.sh), compiled with Sources/Compression/*.swift by swiftc (not a SwiftPM target).
//
//   compression-driver decode gzip|zlib|raw FILE   decompressed bytes to stdout (streaming reader)
//   compression-driver count gzip|zlib|raw FILE    decode, print the byte count only
//   compression-driver batch MANIFEST              one line per case, see `batch`
//   compression-driver zip MANIFEST                per archive: each member's name, size, CRC-32
#if canImport(Glibc)
  import Glibc
#endif
import Compression

@main
enum CompressionDriver {
  static func main() {
    let arguments = CommandLine.arguments
    guard arguments.count >= 3 else {
      fputs("usage: compression-driver decode|count gzip|zlib|raw FILE | batch MANIFEST | zip FILE\n", stderr)
      exit(64)
    }
    switch arguments[1] {
    case "decode", "count":
      guard arguments.count == 4, let wrapper = wrapper(arguments[2]) else { exit(64) }
      exit(stream(path: arguments[3], wrapper: wrapper, write: arguments[1] == "decode"))
    case "batch":
      exit(batch(manifest: arguments[2]))
    case "zip":
      exit(ZipListing.run(path: arguments[2]))
    default:
      exit(64)
    }
  }

  static func wrapper(_ name: String) -> DecompressingReader.Wrapper? {
    switch name {
    case "gzip": return .gzip
    case "zlib": return .zlib
    case "raw": return .raw
    default: return nil
    }
  }

  /// Streams FILE through a `DecompressingReader` with 64 KiB reads.
  static func stream(path: String, wrapper: DecompressingReader.Wrapper, write: Bool) -> Int32 {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      fputs("cannot open \(path)\n", stderr)
      return 66
    }
    defer { close(fd) }
    let reader = DecompressingReader(wrapper: wrapper, inputBufferSize: 1 << 17) { buffer in
      let n = read(fd, buffer.baseAddress, buffer.count)
      guard n >= 0 else { throw CompressionError.truncated(format: "file", offset: 0) }
      return n
    }
    let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 16)
    defer { out.deallocate() }
    var total = 0
    do {
      while true {
        let n = try reader.read(into: out)
        if n == 0 { break }
        total += n
        if write {
          var written = 0
          while written < n {
            let w = Glibc.write(1, out.baseAddress! + written, n - written)
            if w <= 0 { return 74 }
            written += w
          }
        }
      }
    } catch {
      fputs("error: \(error)\n", stderr)
      return 1
    }
    if !write { print(total) }
    if reader.trailingGarbageBytes > 0 { fputs("trailing garbage: \(reader.trailingGarbageBytes) bytes\n", stderr) }
    return 0
  }

  /// MANIFEST lines: `WRAPPER PIECE FILE`. For each, decodes FILE whole (`Inflate.decode`) and
  /// through a `DecompressingReader` fed PIECE-byte input pieces, and prints one line:
  /// `ok LENGTH CRC32 ADLER32 MEMBERS GARBAGE` or `error KIND OFFSET`; `mismatch` if the two ways
  /// disagree (a bug).
  static func batch(manifest: String) -> Int32 {
    guard let text = readFile(manifest) else { return 66 }
    for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
      let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
      guard fields.count == 3, let wrapper = wrapper(fields[0]), let piece = Int(fields[1]),
        let bytes = readFile(fields[2])
      else {
        print("bad-line")
        continue
      }
      let whole = describe { () throws(CompressionError) in try Inflate.decode(bytes, wrapper: wrapper, limit: 1 << 30) }
      let streamed = describe { () throws(CompressionError) in try decodeInPieces(bytes, wrapper: wrapper, piece: piece) }
      print(whole == streamed ? whole : "mismatch whole=\(whole) streamed=\(streamed)")
    }
    return 0
  }

  static func describe(_ body: () throws(CompressionError) -> Inflate.Decoded) -> String {
    do {
      let d = try body()
      var adler = Adler32()
      adler.update(d.bytes)
      return "ok \(d.bytes.count) \(hex(CRC32.checksum(d.bytes))) \(hex(adler.value)) \(d.members) \(d.trailingGarbageBytes)"
    } catch {
      switch error {
      case .truncated(_, let o): return "error truncated \(o)"
      case .corrupt(_, let o, _): return "error corrupt \(o)"
      case .checksumMismatch(_, let o, _, _): return "error checksum \(o)"
      case .unsupported(_, let o, _): return "error unsupported \(o)"
      case .limitExceeded(_, let o, _, _): return "error limit \(o)"
      }
    }
  }

  static func decodeInPieces(_ bytes: [UInt8], wrapper: DecompressingReader.Wrapper, piece: Int) throws(CompressionError) -> Inflate.Decoded {
    var position = 0
    let reader = DecompressingReader(wrapper: wrapper, inputBufferSize: piece) { buffer in
      let n = min(buffer.count, bytes.count - position)
      buffer.copyBytes(from: bytes[position..<(position + n)])
      position += n
      return n
    }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4093)
    do {
      while true {
        let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
        if n == 0 { break }
        output += chunk[0..<n]
      }
    } catch let error as CompressionError {
      throw error
    } catch {
      throw .corrupt(format: "driver", offset: -1, reason: "\(error)")
    }
    return Inflate.Decoded(bytes: output, trailingGarbageBytes: reader.trailingGarbageBytes, members: reader.members)
  }

  static func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
  }

  static func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = fread(&chunk, 1, chunk.count, f)
      if n == 0 { break }
      bytes += chunk[0..<n]
    }
    return bytes
  }
}

/// `zip MANIFEST`: for each archive path in MANIFEST, one line: `ok` and, per member,
/// `NAMEHEX:SIZE:CRC32` of the bytes read (or `NAMEHEX:error-KIND` when a member cannot be read,
/// e.g. an unsupported method); or `error KIND` when the archive cannot be opened.
enum ZipListing {
  static func run(path: String) -> Int32 {
    guard let text = CompressionDriver.readFile(path) else { return 66 }
    for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
      print(describe(String(line)))
    }
    return 0
  }

  static func describe(_ path: String) -> String {
    let archive: ZipArchive
    do {
      archive = try ZipArchive(path: path)
    } catch {
      return "error " + kind(error)
    }
    var fields = ["ok"]
    for member in archive.members {
      let name = member.rawName.map { CompressionDriver.hex(UInt32($0)).suffix(2) }.joined()
      do {
        let bytes = try archive.contents(of: member, limit: 1 << 30)
        fields.append("\(name):\(bytes.count):\(CompressionDriver.hex(CRC32.checksum(bytes)))")
      } catch {
        fields.append("\(name):error-\(kind(error))")
      }
    }
    return fields.joined(separator: " ")
  }

  static func kind(_ error: CompressionError) -> String {
    switch error {
    case .truncated: return "truncated"
    case .corrupt: return "corrupt"
    case .checksumMismatch: return "checksum"
    case .unsupported: return "unsupported"
    case .limitExceeded: return "limit"
    }
  }
}
