@testable import Ingest
import Simulation
import Testing

/// `CSVReader.delimiter` (eight bytes at a time) finds exactly what a byte-by-byte scan finds.
@Suite struct CSVDelimiterTests {
  static func naive(_ bytes: [UInt8], from: Int, end: Int) -> Int {
    var i = from
    while i < end, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "\n"), bytes[i] != UInt8(ascii: "\r") {
      i += 1
    }
    return i
  }

  @Test func everyDelimiterAtEveryOffsetAndNearMisses() {
    // Bytes one away from each delimiter (+, -, \t, \v, \f, \u{0E}) and high bytes, which a
    // borrow in the word trick could confuse with a match.
    let fillers: [UInt8] = [0x2B, 0x2D, 0x09, 0x0B, 0x0C, 0x0E, 0x80, 0xAC, 0xFF, 0x00, 0x01, 0x61]
    var checked = 0
    for delimiter in [UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r")] {
      for length in 0...24 {
        for position in 0...length {
          for filler in fillers {
            var bytes = [UInt8](repeating: filler, count: length)
            if position < length { bytes[position] = delimiter }
            for from in [0, min(1, length), min(3, length)] where from <= length {
              let found = bytes.withUnsafeBufferPointer { CSVReader.delimiter(in: $0, from: from, end: length) }
              #expect(found == Self.naive(bytes, from: from, end: length), "\(bytes) from \(from)")
              checked += 1
            }
          }
        }
      }
    }
    #expect(checked > 10_000)
  }

  @Test func randomBytes() {
    var random = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
    func next() -> UInt64 { random.next() }
    let alphabet: [UInt8] = [0x2C, 0x0A, 0x0D, 0x2B, 0x2D, 0x0B, 0x80, 0xFF, 0x00, 0x61, 0x62, 0x63]
    for _ in 0..<2_000 {
      let length = Int(next() % 64)
      let bytes = (0..<length).map { _ in next() % 4 == 0 ? alphabet[Int(next() % 12)] : UInt8(0x61 + next() % 26) }
      var from = 0
      while from <= length {
        let found = bytes.withUnsafeBufferPointer { CSVReader.delimiter(in: $0, from: from, end: length) }
        #expect(found == Self.naive(bytes, from: from, end: length))
        from = found + 1
      }
    }
  }
}

/// `CSVReader`'s fast scan of records without quotes reads every input exactly as the general
/// scan does: same records, lines, fields and malformed flags.
@Suite struct CSVPlainScanTests {
  static func rows(_ bytes: [UInt8], blockSize: Int, fast: Bool) throws -> [String] {
    var reader = CSVReader(source: ByteSource(bytes: bytes, path: "mem.csv"), blockSize: blockSize)
    reader.scansPlainRecordsFast = fast
    return try rows(&reader)
  }

  static func rows(_ reader: inout CSVReader) throws -> [String] {
    var rows: [String] = []
    try reader.forEachRecord { row in
      let fields = (0..<row.count).map { Array(row.field($0)) }
      rows.append("\(row.line) \(row.isMalformed) \(fields)")
    }
    return rows
  }

  /// A reader over borrowed bytes (a chunk, read in place) reads the same rows and never
  /// writes the bytes, even for fields with doubled quotes (unescaped in a copy).
  static func borrowedRows(_ bytes: [UInt8]) throws -> [String] {
    try bytes.withUnsafeBufferPointer { buffer in
      var reader = CSVReader(borrowing: buffer, path: "mem.csv")
      let rows = try rows(&reader)
      #expect(Array(buffer) == bytes, "the borrowed bytes are unchanged")
      return rows
    }
  }

  @Test func randomRecordsWithEveryDelimiterAndNearMiss() throws {
    var random = SplitMix64(seed: 0x2545_F491_4F6C_DD1D)
    func next() -> UInt64 { random.next() }
    // Delimiters, bytes just below and above 0x2D (the scan's threshold), spaces, high bytes.
    let special: [UInt8] = [0x2C, 0x0A, 0x0D, 0x22, 0x20, 0x2B, 0x2D, 0x2E, 0x00, 0x80, 0xAC, 0xFF]
    var plainRows = 0
    for round in 0..<600 {
      let length = Int(next() % 300)
      let rate = [3, 8, 40][round % 3]  // dense, some, rare specials
      let bytes = (0..<length).map { _ in
        next() % UInt64(rate) == 0 ? special[Int(next() % UInt64(special.count))] : UInt8(0x61 + next() % 26)
      }
      for blockSize in [16, 37, 1 << 16] {
        let fast = try Self.rows(bytes, blockSize: blockSize, fast: true)
        let general = try Self.rows(bytes, blockSize: blockSize, fast: false)
        #expect(fast == general, "round \(round), block \(blockSize): \(bytes)")
        if blockSize == 1 << 16 { plainRows += fast.count }
      }
      #expect(try Self.borrowedRows(bytes) == (try Self.rows(bytes, blockSize: 1 << 16, fast: false)), "round \(round)")
    }
    // Plenty of records were read, so the comparison is not of empty inputs.
    #expect(plainRows > 2_000)
  }

  @Test func exportShapedRows() throws {
    let text = "user_id,event,timestamp,value\r\ncus_1,order,2026-10-05T09:20:38Z,12.5\r\n\r\n"
      + "cus_2,session,2026-10-05T09:20:38Z,\ncus_3,\"Placed, Order\",2026-10-05 09:20:38 +00:00,3\n"
      + "cus 4,a b c,x,y\rcus_5,\"bad\"x,1,2\n" + "u,e,t,v"
    let bytes = Array(text.utf8)
    let fast = try Self.rows(bytes, blockSize: 1 << 16, fast: true)
    #expect(fast == (try Self.rows(bytes, blockSize: 1 << 16, fast: false)))
    #expect(fast.count == 7)
    let quoted = Array("a,b\n\"x \"\"1\"\"\",\"\"\"\"\"\"\n\"y\",z\n".utf8)
    #expect(try Self.borrowedRows(quoted) == (try Self.rows(quoted, blockSize: 1 << 16, fast: true)))
    let second = try Self.borrowedRows(quoted)[1]
    #expect(second == "2 false \([Array("x \"1\"".utf8), Array("\"\"".utf8)])", "\(second)")
    #expect(fast[1] == "2 false \([Array("cus_1".utf8), Array("order".utf8), Array("2026-10-05T09:20:38Z".utf8), Array("12.5".utf8)])")
  }
}

