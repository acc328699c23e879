#if canImport(Glibc)
  import Glibc
#endif
import Ingest

/// The Swift side of `.ci/avro`: transcodes Avro files to JSON lines with `AvroFile` and
/// `AvroTranscoder`, as the pipeline will, and measures the speed.
///
/// Usage: `avro-driver FILE...` writes FILE.jsonl beside each file (an error is written there as
/// `ERROR <message>` and the driver goes on); `avro-driver --bench N FILE` transcodes FILE N
/// times and prints the input MB/s (decompression included, reading the file excluded).
@main
struct AvroDriver {
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "--bench", arguments.count == 3, let times = Int(arguments[1]) {
      bench(path: arguments[2], times: times)
      return
    }
    var failures = 0
    for path in arguments {
      var out: [UInt8] = []
      do {
        var file = try AvroFile(source: try ByteSource(path: path, allowing: [.avro]))
        let transcoder = AvroTranscoder(file: file)
        while let block = try file.nextBlock() { try transcoder.appendJSONLines(of: block, to: &out) }
      } catch {
        out = Array("ERROR \(error)\n".utf8)
        failures += 1
      }
      guard let handle = fopen(path + ".jsonl", "wb") else {
        fputs("cannot write \(path).jsonl\n", stderr)
        exit(2)
      }
      _ = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
      fclose(handle)
    }
    if failures > 0 { fputs("avro-driver: \(failures) of \(arguments.count) files refused\n", stderr) }
  }

  static func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }

  static func bench(path: String, times: Int) {
    do {
      var file = try AvroFile(source: try ByteSource(path: path, allowing: [.avro]))
      var blocks: [AvroBlock] = []
      while let block = try file.nextBlock() { blocks.append(block) }
      let transcoder = AvroTranscoder(file: file)
      let input = blocks.reduce(0) { $0 + $1.bytes.count }
      var output = 0
      var best = Double.infinity
      for _ in 0..<times {
        let start = now()
        var out: [UInt8] = []
        out.reserveCapacity(output)
        for block in blocks { try transcoder.appendJSONLines(of: block, to: &out) }
        best = min(best, now() - start)
        output = out.count
      }
      // For comparison: the JSON-lines scan the pipeline then does (Braze's fields).
      var out: [UInt8] = []
      for block in blocks { try transcoder.appendJSONLines(of: block, to: &out) }
      var scanner = JSONScanner(paths: JSONFieldPaths([["id"], ["time"], ["external_user_id"], ["user_id"], ["email_address"], ["event_type"]]))
      var scanBest = Double.infinity
      for _ in 0..<times {
        let start = now()
        try out.withUnsafeBufferPointer { all in
          var lineStart = 0
          for i in 0..<all.count where all[i] == 0x0A {
            try scanner.scan(UnsafeBufferPointer(rebasing: all[lineStart..<i]))
            lineStart = i + 1
          }
        }
        scanBest = min(scanBest, now() - start)
      }
      print("\(path): JSONScanner over those JSON lines: best of \(times): \(scanBest) s, \(Double(out.count) / 1e6 / scanBest) MB/s of JSON, \(Double(input) / 1e6 / scanBest) MB/s of the Avro equivalent")
      let mb = Double(input) / 1e6
      print("\(path): \(input) bytes of Avro blocks (\(file.codec)) -> \(output) bytes of JSON lines; best of \(times): \(best) s, \(mb / best) MB/s of Avro, \(Double(output) / 1e6 / best) MB/s of JSON")
    } catch {
      print("ERROR \(error)")
      exit(1)
    }
  }
}
