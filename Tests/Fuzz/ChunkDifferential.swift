#if canImport(Glibc)
  import Glibc
#endif
@testable import Ingest

/// ChunkReader's cut of any bytes into chunks, each parsed as the parallel join parses it (the
/// first with its header, later ones with the header assumed and lines offset by the chunk's
/// `linesBefore`), gives exactly the records of one sequential CSVReader pass, for any chunk
/// size.
enum ChunkDifferential {
  struct Record: Equatable {
    var line: Int
    var malformed: Bool
    var fields: [[UInt8]]
  }

  static func records(_ reader: inout CSVReader, lineOffset: Int, into out: inout [Record]) throws {
    try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in
      var fields: [[UInt8]] = []
      for i in 0..<row.count { fields.append(Array(row.field(i))) }
      out.append(Record(line: row.line + lineOffset, malformed: row.isMalformed, fields: fields))
    }
  }

  static func run(_ bytes: [UInt8]) {
    let limit = 4096
    var sequential: [Record] = []
    var header: [String] = []
    do {
      var reader = CSVReader(source: ByteSource(bytes: bytes, path: "fuzz.csv"), blockSize: 1 << 16, recordLimit: limit)
      header = try reader.readHeader()
      try records(&reader, lineOffset: 0, into: &sequential)
    } catch {
      return  // an empty file or an over-long record: the chunked path must not be compared
    }
    let chunkSize = 8 + Int(bytes.last ?? 0) % 200
    var chunked: [Record] = []
    do {
      var chunks = ChunkReader(source: ByteSource(bytes: bytes, path: "fuzz.csv"), csvQuotes: true, chunkSize: chunkSize, recordLimit: limit)
      while let chunk = try chunks.next() {
        var reader = CSVReader(source: ByteSource(bytes: chunk.bytes, path: "fuzz.csv"), blockSize: max(1 << 16, chunk.bytes.count + 1), recordLimit: limit)
        if chunk.index == 0 {
          let first = try reader.readHeader()
          FuzzTargets.check(first == header, "the first chunk's header \(first) differs from \(header)")
          try records(&reader, lineOffset: 0, into: &chunked)
        } else {
          reader.assumeHeader(header)
          try records(&reader, lineOffset: chunk.linesBefore, into: &chunked)
        }
      }
    } catch IngestError.recordTooLong {
      // The record limit is a memory bound, enforced where each reader must grow its buffer
      // (the chunker for a whole line, CSVReader only past its block): near the limit the two
      // may stop at different places, which is not a difference in the records they read.
      return
    } catch {
      FuzzTargets.check(false, "the chunked parse failed where the sequential one did not: \(error)")
    }
    if chunked != sequential, getenv("FUZZ_DEBUG") != nil {
      for (a, b) in zip(chunked, sequential) where a != b {
        fputs("chunked:    line \(a.line) malformed \(a.malformed) \(a.fields.map { String(decoding: $0, as: UTF8.self).debugDescription })\n", stderr)
        fputs("sequential: line \(b.line) malformed \(b.malformed) \(b.fields.map { String(decoding: $0, as: UTF8.self).debugDescription })\n", stderr)
      }
    }
    FuzzTargets.check(
      chunked == sequential,
      "chunk size \(chunkSize): \(chunked.count) chunked records vs \(sequential.count) sequential; first difference at \(Array(zip(chunked, sequential)).firstIndex { $0.0 != $0.1 }.map(String.init) ?? "the end")")
  }
}
