import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// Parsing in parallel chunks gives exactly the single-threaded result, wherever the chunk
/// boundaries fall (tiny chunks put them everywhere, including inside quoted CSV fields).
@Suite struct ParallelDeterminismTests {
  static func measurement(_ experiment: String, threads: Int, chunkSize: Int) throws -> Measurement {
    let definition = try ExperimentFileDecoder.load(path: TestPaths.repository(experiment), for: .report)
    var measurer = Measurer(experiment: definition, asOf: definition.asOf!, threads: threads)
    measurer.chunkSize = chunkSize
    return try measurer.measure()
  }

  /// Everything a report shows, as comparable values.
  static func summary(_ m: Measurement) -> [String] {
    var lines = m.metrics.map { "\($0.definition.name) \($0.arms) \($0.exposedArms) \($0.spend)" }
    lines += m.files.map { "\($0.path) \($0.rowsRead) \($0.fates) \($0.reasons) \($0.examples)" }
    lines.append("\(m.findings)")
    lines.append("\(m.exposure.exposed) \(m.exposure.channels.map { "\($0.name) \($0.users)" })")
    return lines
  }

  @Test(arguments: ["fixtures/winback/experiment.json", "fixtures/cart-recovery/experiment.json"])
  func anyThreadCountAndChunkSizeGivesTheSameMeasurement(experiment: String) throws {
    let reference = Self.summary(try Self.measurement(experiment, threads: 1, chunkSize: 2 << 20))
    for (threads, chunkSize) in [(2, 1 << 21), (1, 1 << 16), (2, 1 << 16), (3, 100_003)] {
      let other = Self.summary(try Self.measurement(experiment, threads: threads, chunkSize: chunkSize))
      #expect(other == reference, "threads \(threads), chunk \(chunkSize)")
    }
  }

  @Test func csvChunksEndOnRecordBoundariesEvenInsideQuotes() throws {
    // Fields with quoted line breaks and doubled quotes, so many line breaks are not boundaries.
    var text = "user_id,note,value\n"
    for i in 0..<400 {
      let note: String
      switch i % 7 {
      case 0, 3: note = "\"line one\nline \"\"two\"\"\n\""  // quoted line breaks, doubled quotes
      case 1: note = "\"a,b\""
      case 2: note = "5'11\" tall"  // a quote inside an unquoted field is an ordinary character
      case 4: note = "\"\"\"quoted\"\" start\""
      default: note = "plain"
      }
      text += "u\(i),\(note),\(i)\r\n"
    }
    let whole = try Self.records(text, chunkSize: 1 << 20)
    for size in [64, 100, 257, 1000] {
      #expect(try Self.records(text, chunkSize: size) == whole, "chunk size \(size)")
    }
  }

  /// The records of `text` read chunk by chunk: (file line, fields).
  static func records(_ text: String, chunkSize: Int) throws -> [String] {
    var chunks = ChunkReader(source: ByteSource(bytes: Array(text.utf8), path: "t.csv"), csvQuotes: true, chunkSize: chunkSize)
    var result: [String] = []
    var header: [String]? = nil
    while let chunk = try chunks.next() {
      var reader = CSVReader(source: ByteSource(bytes: chunk.bytes, path: "t.csv"), blockSize: 64)
      if let header { reader.assumeHeader(header) } else { header = try reader.readHeader() }
      let offset = chunk.index == 0 ? 0 : chunk.linesBefore
      try reader.forEachRecord { row in
        result.append("\(row.line + offset): " + (0..<row.count).map { row.string($0) ?? "?" }.joined(separator: "|") + (row.isMalformed ? " MALFORMED" : ""))
      }
    }
    return result
  }
}
