/// Turns the records of Avro blocks into JSON lines, one object per record followed by `\n`, for
/// the JSON-lines readers (`JSONScanner` reads fields by dotted path). Pure and `Sendable`:
/// one transcoder serves every worker thread, each with its own blocks and output.
///
/// The JSON of a value (also in `Sources/Ingest/README.md`; `.ci/avro` checks it against
/// fastavro on 100,000+ random records):
/// - null → `null`; boolean → `true`/`false`; int, long → the integer;
/// - float, double → the shortest decimal that reads back to the same float or double (Swift's
///   `description`: a float `3.14` is `3.14`, not the double `3.140000104904175`); NaN and
///   infinities → `null` (JSON has no such numbers);
/// - string → a JSON string (bytes that are not UTF-8 are an error naming the record);
/// - bytes, fixed → a string of the code points U+0000–U+00FF, one per byte (Avro's JSON
///   encoding convention);
/// - record → an object, fields in schema order; enum → its symbol; array → an array; map → an
///   object, keys in the file's order (a key written twice appears twice);
/// - union → the chosen branch's value, unwrapped (as fastavro returns it; not the
///   `{"type": value}` wrapper of Avro's JSON encoding);
/// - decimal → the exact number with `scale` fraction digits (`-12.340`), any number of digits;
/// - uuid → its text (on fixed(16): lowercase `8-4-4-4-12` hex); date → `"YYYY-MM-DD"`;
/// - timestamp-millis/micros/nanos → `"YYYY-MM-DDTHH:MM:SS.fffZ"` with 3/6/9 fraction digits,
///   UTC; local-timestamp-* → the same without `Z`; years outside 0001–9999 get a sign and at
///   least four digits (`+10000-01-01T…`), which Holdout's timestamp reader then rejects rather
///   than misreads;
/// - time-millis, time-micros → the integer; duration → `{"months":m,"days":d,"milliseconds":ms}`;
/// - a top-level type that is not a record: each value is written as `{"value": …}`, so every
///   line is an object.
///
/// Bounded memory: a block decompresses to at most `blockLimit` bytes, and its JSON to at most
/// `outputLimit` bytes (a hostile count of empty records or items, which take no bytes, stops
/// there); nothing is added to the output unless the whole block transcodes.
public struct AvroTranscoder: Sendable {
  /// The default limit on one block's JSON: 256 MiB (a real block of 64 KiB gives about 1 MiB).
  public static let defaultOutputLimit = 256 << 20

  public let path: String
  public let codec: AvroCodec
  public let blockLimit: Int
  public let outputLimit: Int
  let program: AvroProgram

  /// A transcoder for the blocks of a file with `schema` and `codec`; `path` names the file in
  /// messages.
  public init(
    schema: AvroSchema, codec: AvroCodec, path: String, blockLimit: Int = AvroFile.defaultBlockLimit,
    outputLimit: Int = AvroTranscoder.defaultOutputLimit
  ) {
    self.path = path
    self.codec = codec
    self.blockLimit = blockLimit
    self.outputLimit = outputLimit
    program = AvroProgram(schema: schema)
  }

  /// A transcoder for the blocks of `file`.
  public init(file: AvroFile, outputLimit: Int = AvroTranscoder.defaultOutputLimit) {
    self.init(schema: file.schema, codec: file.codec, path: file.path, blockLimit: file.blockLimit, outputLimit: outputLimit)
  }

  /// Decompresses the block and appends one JSON object line per record to `out`.
  ///
  /// - Throws: `IngestError.invalidAvro` naming the file, the byte offset, the block and (for a
  ///   bad value) the record's number in the file; `out` is then unchanged.
  public func appendJSONLines(of block: AvroBlock, to out: inout [UInt8]) throws(IngestError) {
    let data = try codec.decompress(block, path: path, limit: blockLimit)
    let count = block.recordCount
    let minimum = program.minimumRecordSize
    if minimum > 0 && count > data.count / minimum {
      throw .invalidAvro(
        path: path, offset: block.fileOffset,
        reason: "block \(block.index + 1) says it holds \(count) records, more than its \(data.count) bytes can hold (at least \(minimum) bytes each); \(AvroInput.corrupt)")
    }
    var failure: (record: Int, AvroFailure)? = nil
    program.code.withUnsafeBufferPointer { code in
      program.text.withUnsafeBufferPointer { text in
        data.withUnsafeBufferPointer { bytes in
          let start = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
          var decoder = AvroDecoder(
            code: code.baseAddress!, text: text.baseAddress ?? UnsafePointer(bitPattern: 1)!, start: start,
            end: start + bytes.count, p: start,
            out: AvroJSONBuffer(capacity: min(data.count * 3 + 256, 1 << 26), limit: outputLimit))
          defer { decoder.out.free() }
          var record = 0
          do throws(AvroFailure) {
            let prefix = Array("{\"value\":".utf8)
            while record < count {
              if program.rootIsRecord {
                try decoder.value(program.root, depth: 0)
              } else {
                try decoder.reserve(prefix.count)
                prefix.withUnsafeBufferPointer { decoder.out.put($0.baseAddress!, $0.count) }
                try decoder.value(program.root, depth: 1)
                try decoder.reserve(1)
                decoder.out.put(UInt8(ascii: "}"))
              }
              try decoder.reserve(1)
              decoder.out.put(0x0A)
              record += 1
            }
            guard decoder.p == decoder.end else {
              throw decoder.failure("\(decoder.end - decoder.p) bytes are left after the block's last record")
            }
            out.append(contentsOf: decoder.out.bytes)
          } catch {
            failure = (record, error)
          }
        }
      }
    }
    guard let (record, error) = failure else { return }
    throw describe(error, record: record, of: block)
  }

  /// The error for `failure` in the `record`-th record (from 0) of `block`.
  func describe(_ failure: AvroFailure, record: Int, of block: AvroBlock) -> IngestError {
    let number = block.firstRecord + record + 1
    let blockName = "block \(block.index + 1) (at byte \(block.fileOffset))"
    if failure.outputLimit {
      return .invalidAvro(
        path: path, offset: block.fileOffset,
        reason: "the records of \(blockName) transcode to more than the \(outputLimit >> 20) MiB limit of JSON per block (at record \(number)); if the file is genuine, re-export it with smaller blocks (a smaller sync interval)")
    }
    let offset: Int
    let place: String
    if codec == .null {
      offset = block.dataOffset + failure.position
      place = "record \(number), in \(blockName)"
    } else {
      offset = block.dataOffset
      place = "record \(number), in \(blockName), at byte \(failure.position) of the block's decompressed data"
    }
    let what = failure.reason.hasSuffix("left after the block's last record") ? "after the last record of \(blockName)" : place
    return .invalidAvro(
      path: path, offset: offset,
      reason: "\(what): \(failure.reason); the file is corrupt, or its data does not match its schema; re-download or re-export it")
  }
}
