#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Experiment
import Ingest
import MeasurementModel

/// Reads any `SourceSpec` record by record, in file order, handing each to a callback as a
/// `SourceRecord` with its `Extraction` (a record, a rejection with reason, or not an event).
///
/// JSON-record formats go through `JSONSourceReader` (`JSONScanner`, no tree per record), as
/// JSON lines, a top-level array or concatenated documents (`JSONFraming`, detected from the
/// first bytes); CSV formats through `CSVReader`; Klaviyo's JSON:API pages through the tree
/// parser (pages are small documents).
/// `.gz` files and `-` (standard input) work for every format (see `ByteSource`).
package struct SourceReader: Sendable {
  package let spec: SourceSpec
  package let layout: SourceLayout
  package let zone: TimeZoneRule?
  /// For a member of a zip archive: the member (`spec.path` is then `archive.zip:member`).
  package let zip: FileTree.ZipMember?

  /// A reader of the file `spec.path`. `partitions` are the Hive-style `key=value` folder names
  /// on the way to it (`FileTree`); nil reads them from `spec.path`.
  package init(spec: SourceSpec, role: SourceRole, partitions: [FileTree.Partition]? = nil, zip: FileTree.ZipMember? = nil) {
    self.spec = spec
    self.zip = zip
    var layout = SourceLayout(spec, role: role)
    if spec.event == nil, case .field(let fields, _) = layout.event,
      let type = Self.partitionEvent(format: spec.format, fields: fields, partitions ?? FileTree.partitions(spec.path))
    {
      // Files that carry their event type in a folder name, not in the record (Braze Currents'
      // `event_type=`, Segment Data Lakes' `segment_type=`, any `key=value` folder the mapping
      // names as its event field).
      layout.event = .field(fields, fallback: type)
    }
    self.layout = layout
    zone = spec.timeZone.flatMap(TimeZoneRule.init)
  }

  /// The reader of one listed file of `spec`'s source (a folder's partitions apply; a single
  /// file's are read from its path).
  package init(spec: SourceSpec, role: SourceRole, file: FileTree.File, in tree: FileTree) {
    var fileSpec = spec
    fileSpec.path = file.readablePath
    self.init(spec: fileSpec, role: role, partitions: tree.isTree ? file.partitions : nil, zip: file.zip)
  }

  /// The reader of the first file of `spec`'s source (what `inspect` shows of a folder).
  package static func first(of spec: SourceSpec, role: SourceRole) throws(MeasurementError) -> SourceReader {
    let tree = try readingInput(path: spec.path) { try FileTree(spec.path) }
    return SourceReader(spec: spec, role: role, file: tree.files[0], in: tree)
  }

  /// The event type a file takes from its folders: the innermost `key=value` folder whose key is
  /// the format's event folder (`PlatformFormat.eventFolderKey`, Braze's `event_type`) or one of
  /// the mapped event fields; `users.messages.email.Send` from
  /// `…/event_type=users.messages.email.Send/date=…/x.avro`.
  package static func partitionEvent(format: SourceSpec.Format, fields: [String], _ partitions: [FileTree.Partition]) -> String? {
    let folderKey = PlatformFormat.of(format).eventFolderKey
    return partitions.last { $0.key == folderKey || fields.contains($0.key) }?.value
  }

  /// The event type `spec.path`'s folders give (`partitionEvent`), for a single file.
  package static func folderEventType(of spec: SourceSpec) -> String? {
    guard case .field(let fields, _) = SourceLayout(spec, role: PlatformFormat.of(spec.format).usualRole).event else { return nil }
    return partitionEvent(format: spec.format, fields: fields, FileTree.partitions(spec.path))
  }

  /// A JSON-record source opened, with the framing of its records detected from its first bytes.
  package struct OpenedJSON {
    /// The bytes, from the start (the detection's look-ahead is handed back).
    package let source: ByteSource
    /// How the records are laid out.
    package let framing: JSONFraming
  }

  /// Opens a JSON-record source and detects its framing; nil for CSV and Klaviyo sources, whose
  /// readers open their files themselves.
  package func openJSON() throws(IngestError) -> OpenedJSON? {
    guard spec.format.isJSONRecords else { return nil }
    let source = try openBytes()
    return OpenedJSON(source: source, framing: try JSONFraming.detect(source))
  }

  /// Calls `body` with every record. `body` returns false to stop early (inspect).
  package func forEachRecord(
    _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws {
    if let avro = try openAvro() {
      var file = avro
      let transcoder = AvroTranscoder(file: file)
      while let block = try file.nextBlock() {
        let chunk = try Self.transcoded(ChunkReader.Chunk(avro: block), transcoder)
        var going = true
        try forEachRecord(in: chunk, header: nil) { record, extraction in
          going = try body(&record, extraction)
          return going
        }
        if !going { return }
      }
      return
    }
    try forEachRecord(try openJSON(), body)
  }

  /// The Avro object container file at `spec.path` with its header read, or nil when the file
  /// does not start with Avro's magic bytes. Avro records are read as JSON objects (each record
  /// transcoded to one JSON line, `AvroTranscoder`), so only JSON-record formats read them.
  package func openAvro() throws(IngestError) -> AvroFile? {
    if zip != nil {
      // A member is read once, in order: look at its first bytes and hand them back.
      let source = try openBytes(allowing: [.avro])
      let scratch = UnsafeMutableRawPointer.allocate(byteCount: 4, alignment: 1)
      defer { scratch.deallocate() }
      var n = 0
      while n < 4 {
        let got = try source.read(into: scratch + n, count: 4 - n)
        if got == 0 { break }
        n += got
      }
      let head = Array(UnsafeRawBufferPointer(start: scratch, count: n))
      source.unread(head)
      guard n == 4, ContainerMagic.of(head) == .avro else { return nil }
      return try AvroFile(source: source)
    }
    guard spec.path != "-", Self.startsWithAvroMagic(spec.path) else { return nil }
    guard spec.format.isJSONRecords else { throw Self.avroRefused(spec) }
    return try AvroFile(source: ByteSource(path: spec.path, allowing: [.avro]))
  }

  /// A file opened once and told apart by its first bytes: an Avro file (header read), JSON
  /// records with their framing, or other bytes (CSV); Klaviyo pages are opened by their reader.
  package enum Opened {
    case avro(AvroFile)
    case json(OpenedJSON)
    case bytes(ByteSource)
    case pages
  }

  /// Opens the file for reading, once (a folder's thousands of files each cost one `open`).
  package func open() throws(IngestError) -> Opened {
    if spec.format.isJSONAPIPages { return .pages }
    if zip != nil || spec.path == "-" {
      if let avro = try openAvro() { return .avro(avro) }
      if let json = try openJSON() { return .json(json) }
      return .bytes(try openBytes())
    }
    let source = try ByteSource(path: spec.path, allowing: [.avro])
    if source.container == .avro {
      guard spec.format.isJSONRecords else { throw Self.avroRefused(spec) }
      return .avro(try AvroFile(source: source))
    }
    guard spec.format.isJSONRecords else { return .bytes(source) }
    return .json(OpenedJSON(source: source, framing: try JSONFraming.detect(source)))
  }

  /// Calls `body` with every record of the whole file, read into memory here: what a parse
  /// worker does with a small file of a folder (`ChunkReader.Chunk.readsWholeFile`). Any form
  /// the file takes is read: gzip, Avro (transcoded), CSV, JSON lines, arrays or documents.
  /// Returns false when the file held no line.
  package func forEachRecordOfWholeFile(
    limit: Int, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws -> Bool {
    let source = try ByteSource(path: spec.path, allowing: [.avro])
    if source.container == .avro {
      guard spec.format.isJSONRecords else { throw Self.avroRefused(spec) }
      var file = try AvroFile(source: source)
      let transcoder = AvroTranscoder(file: file)
      var saw = false
      while let block = try file.nextBlock() {
        saw = try forEachRecord(in: try Self.transcoded(ChunkReader.Chunk(avro: block), transcoder), header: nil, body) || saw
      }
      return saw
    }
    let bytes = try source.readAll(limit: limit, what: "a file of a folder read whole")
    if spec.format.isJSONRecords {
      let memory = ByteSource(bytes: bytes, path: spec.path)
      let framing = try JSONFraming.detect(memory)
      if !framing.isLineOriented {
        var reader = JSONDocumentReader(source: memory)
        var saw = false
        try JSONSourceReader(layout: layout, zone: zone).forEachRecord(&reader) { record, extraction in
          saw = true
          return try body(&record, extraction)
        }
        return saw
      }
    }
    return try forEachRecord(in: ChunkReader.Chunk(bytes: bytes, linesBefore: 0, index: 0), header: nil, body)
  }

  /// The file's bytes: the file at `spec.path`, or the zip member.
  package func openBytes(allowing: Set<ContainerMagic> = []) throws(IngestError) -> ByteSource {
    if let zip { return try ByteSource(member: zip, path: spec.path) }
    return try ByteSource(path: spec.path, allowing: allowing)
  }

  static func avroRefused(_ spec: SourceSpec) -> IngestError {
    .undecodable(
      path: spec.path,
      reason: "is an Avro file, which a \(spec.format.rawValue) source does not read (it reads CSV or JSON:API pages); use \"format\": \"jsonl\" with a field mapping, or the platform's own format such as \"braze\"")
  }

  /// True when the file starts with `Obj` 0x01 (an Avro object container file).
  /// Only a regular file is looked at: opening a FIFO to look and closing it again would break
  /// its writer (and its bytes cannot be read twice).
  static func startsWithAvroMagic(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var head = [UInt8](repeating: 0, count: 4)
    let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, 0) }
    return n == 4 && ContainerMagic.of(head) == .avro
  }

  /// An Avro block's chunk turned into JSON lines, one per record (record numbers are the
  /// chunk's line numbers); any other chunk as it is.
  package static func transcoded(_ chunk: ChunkReader.Chunk, _ transcoder: AvroTranscoder?) throws(IngestError) -> ChunkReader.Chunk {
    guard let block = chunk.avroBlock, let transcoder else { return chunk }
    var lines: [UInt8] = []
    lines.reserveCapacity(block.bytes.count * 2)
    try transcoder.appendJSONLines(of: block, to: &lines)
    var out = ChunkReader.Chunk(bytes: lines, linesBefore: chunk.linesBefore, index: chunk.index, lines: chunk.lines)
    out.file = chunk.file
    out.sequence = chunk.sequence
    return out
  }

  /// Calls `body` with every record of `opened` (from `openJSON`), or, for CSV and Klaviyo, of
  /// the file.
  package func forEachRecord(
    _ opened: OpenedJSON?, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws {
    if let opened {
      let json = JSONSourceReader(layout: layout, zone: zone)
      if opened.framing.isLineOriented {
        var reader = LineReader(source: opened.source)
        if try !json.forEachRecord(&reader, body) { throw IngestError.emptyFile(path: spec.path) }
      } else {
        var reader = JSONDocumentReader(source: opened.source)
        try json.forEachRecord(&reader, body)
      }
      return
    }
    if spec.format.isJSONAPIPages {
      try KlaviyoSourceReader(spec: spec, layout: layout, zone: zone).forEachRecord(body)
      return
    }
    var reader = CSVReader(source: try openBytes())
    try CSVSourceReader(spec: spec, layout: layout, zone: zone).forEachRecord(&reader, header: nil, body)
  }

  /// True for sources read line by line, which can be cut into chunks and parsed in parallel:
  /// CSV, and JSON lines (`framing` from `openJSON`). Klaviyo pages, JSON arrays and
  /// concatenated documents are read sequentially.
  package func isChunkable(_ framing: JSONFraming?) -> Bool {
    !spec.format.isJSONAPIPages && (framing?.isLineOriented ?? true)
  }

  /// The CSV header names at the start of the first chunk.
  package func csvHeader(_ chunk: ChunkReader.Chunk) throws -> [String] {
    var reader = CSVReader(source: ByteSource(bytes: chunk.bytes, path: spec.path), blockSize: 1 << 16)
    return try reader.readHeader()
  }

  /// Calls `body` with the records of one chunk; line numbers are relative to the chunk unless it
  /// is the first. CSV chunks after the first use `header`. Returns false when the chunk held no
  /// line at all.
  @discardableResult
  package func forEachRecord(
    in chunk: ChunkReader.Chunk, header: [String]?, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws -> Bool {
    if spec.format.isCSV {
      // Parsed where the chunk lies: no copy into a reader's buffer.
      try chunk.bytes.withUnsafeBufferPointer { bytes in
        var reader = CSVReader(borrowing: bytes, path: spec.path)
        if chunk.index > 0, let header { reader.assumeHeader(header) }
        try CSVSourceReader(spec: spec, layout: layout, zone: zone)
          .forEachRecord(&reader, header: chunk.index > 0 ? header : nil, body)
      }
      return true
    }
    let source = ByteSource(bytes: chunk.bytes, path: spec.path)
    let blockSize = max(1 << 16, chunk.bytes.count + 1)
    var reader = LineReader(source: source, blockSize: blockSize, skipsBOM: chunk.index == 0)
    return try JSONSourceReader(layout: layout, zone: zone).forEachRecord(&reader, body)
  }
}
