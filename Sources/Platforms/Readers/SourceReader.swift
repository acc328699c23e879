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
  /// The file's size when its folder was listed (nil for a file named directly).
  package private(set) var listedSize: Int? = nil
  /// The listed folder held open and the file's path under it, to open it relative to the
  /// folder (`OpenFolder`); nil for a file named directly or a zip member.
  package private(set) var under: (folder: OpenFolder, relative: String)? = nil

  /// A reader of the file `spec.path`. `partitions` are the Hive-style `key=value` folder names
  /// on the way to it (`FileTree`); nil reads them from `spec.path`.
  package init(spec: SourceSpec, role: SourceRole, partitions: [FileTree.Partition]? = nil, zip: FileTree.ZipMember? = nil) {
    self.spec = spec
    self.zip = zip
    var layout = SourceLayout(spec, role: role)
    layout.partitions = partitions ?? FileTree.partitions(spec.path)
    if spec.event == nil, case .field(let fields, _) = layout.event,
      let type = Self.partitionEvent(format: spec.format, fields: fields, layout.partitions)
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
    if tree.isTree { listedSize = file.size }
    if tree.isTree, file.zip == nil, let folder = tree.folder { under = (folder, file.relative) }
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

  /// A file opened once and told apart by its first bytes: an Avro file (header read), JSON
  /// records with their framing, or other bytes (CSV); Klaviyo pages are opened by their reader.
  package enum Opened {
    case avro(AvroFile)
    case json(OpenedJSON)
    case bytes(ByteSource)
    case pages
  }

  /// Opens the file for reading, once (a folder's thousands of files each cost one `open`). A
  /// regular file's first bytes are looked at by `ByteSource` itself; a zip member's or standard
  /// input's are read and handed back. Avro records are read as JSON objects (each record
  /// transcoded to one JSON line, `AvroTranscoder`), so only JSON-record formats read them; any
  /// other binary container is refused by name.
  package func open() throws(IngestError) -> Opened {
    if spec.format.isJSONAPIPages { return .pages }
    let source = try openBytes(allowing: [.avro])
    return try opened(source, container: zip == nil && spec.path != "-" ? source.container : try Self.sniff(source))
  }

  /// Opens a listed file of a folder read whole (`forEachRecordOfWholeFile`): its bytes are read
  /// first, with no `fstat` and no separate look at its first bytes (over 8,760 hourly files
  /// those system calls cost more than parsing), then told apart as `open()` tells them. A zip
  /// member, standard input, Klaviyo pages or a file named directly are opened by `open()`.
  package func openWhole(limit: Int) throws(IngestError) -> Opened {
    guard zip == nil, spec.path != "-", !spec.format.isJSONAPIPages, let size = listedSize else { return try open() }
    let bytes = try ByteSource.readWhole(
      path: spec.path, in: under?.folder, relative: under?.relative, expectedSize: size, limit: limit,
      what: "a file of a folder read whole")
    let source = try ByteSource(wholeFile: bytes, path: spec.path, allowing: [.avro])
    return try opened(source, container: source.container)
  }

  /// What `source` holds, by its first bytes' `container`: Avro, JSON records or other bytes.
  private func opened(_ source: ByteSource, container: ContainerMagic?) throws(IngestError) -> Opened {
    if let container {
      guard container == .avro else { throw container.refusal(path: spec.path) }
      guard spec.format.isJSONRecords else { throw Self.avroRefused(spec) }
      return .avro(try AvroFile(source: source))
    }
    guard spec.format.isJSONRecords else { return .bytes(source) }
    return .json(OpenedJSON(source: source, framing: try JSONFraming.detect(source)))
  }

  /// The container announced by the first bytes of a stream that cannot be read twice (a zip
  /// member, standard input); the bytes are handed back.
  private static func sniff(_ source: ByteSource) throws(IngestError) -> ContainerMagic? {
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 1)
    defer { scratch.deallocate() }
    var n = 0
    while n < 16 {
      let got = try source.read(into: scratch + n, count: 16 - n)
      if got == 0 { break }
      n += got
    }
    let head = Array(UnsafeRawBufferPointer(start: scratch, count: n))
    source.unread(head)
    return ContainerMagic.of(head)
  }

  /// Calls `body` with every record. `body` returns false to stop early (inspect).
  package func forEachRecord(
    _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws {
    try forEachRecord(try open(), body)
  }

  /// Calls `body` with every record of an Avro file, block by block, until it returns false.
  /// Returns false when the file held no record.
  private func forEachRecord(ofAvro avro: AvroFile, _ body: (inout SourceRecord, Extraction) throws -> Bool) throws -> Bool {
    var file = avro
    let transcoder = AvroTranscoder(file: file)
    var saw = false, going = true
    while going, let block = try file.nextBlock() {
      saw = try forEachRecord(in: try Self.transcoded(ChunkReader.Chunk(avro: block), transcoder), header: nil) { record, extraction in
        going = try body(&record, extraction)
        return going
      } || saw
    }
    return saw
  }

  /// Calls `body` with every record of the whole file, read into memory here: what a parse
  /// worker does with a small file of a folder (`ChunkReader.Chunk.wholeFiles`). Any form the
  /// file takes is read: gzip, Avro (transcoded), CSV, JSON lines, arrays or documents.
  /// Returns false when the file held no line.
  /// `cache` keeps a CSV header compiled for the next file of the folder (`CSVHeaderCache`).
  package func forEachRecordOfWholeFile(
    limit: Int, cache: CSVHeaderCache? = nil, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws -> Bool {
    let source: ByteSource
    switch try openWhole(limit: limit) {
    case .avro(let avro): return try forEachRecord(ofAvro: avro, body)
    case .pages: throw IngestError.undecodable(path: spec.path, reason: "Klaviyo pages are not read whole")
    case .json(let json): source = json.source
    case .bytes(let bytes): source = bytes
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
    return try forEachRecord(in: ChunkReader.Chunk(bytes: bytes, linesBefore: 0, index: 0), header: nil, cache: cache, body)
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

  /// Calls `body` with every record of `opened` (from `open`).
  package func forEachRecord(
    _ opened: Opened, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws {
    switch opened {
    case .avro(let avro):
      _ = try forEachRecord(ofAvro: avro, body)
    case .json(let opened):
      let json = JSONSourceReader(layout: layout, zone: zone)
      if opened.framing.isLineOriented {
        var reader = LineReader(source: opened.source)
        if try !json.forEachRecord(&reader, body) { throw IngestError.emptyFile(path: spec.path) }
      } else {
        var reader = JSONDocumentReader(source: opened.source)
        try json.forEachRecord(&reader, body)
      }
    case .pages:
      try KlaviyoSourceReader(spec: spec, layout: layout, zone: zone).forEachRecord(body)
    case .bytes(let source):
      var reader = CSVReader(source: source)
      try CSVSourceReader(spec: spec, layout: layout, zone: zone).forEachRecord(&reader, header: nil, body)
    }
  }

  /// True for sources read line by line, which can be cut into chunks and parsed in parallel:
  /// CSV, and JSON lines (`framing` from `open`). Klaviyo pages, JSON arrays and
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
    in chunk: ChunkReader.Chunk, header: [String]?, cache: CSVHeaderCache? = nil,
    _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws -> Bool {
    if spec.format.isCSV {
      // Parsed where the chunk lies: no copy into a reader's buffer.
      try chunk.bytes.withUnsafeBufferPointer { bytes in
        var reader = CSVReader(borrowing: bytes, path: spec.path)
        if chunk.index > 0, let header { reader.assumeHeader(header) }
        try CSVSourceReader(spec: spec, layout: layout, zone: zone)
          .forEachRecord(&reader, header: chunk.index > 0 ? header : nil, cache: cache, body)
      }
      return true
    }
    let source = ByteSource(bytes: chunk.bytes, path: spec.path)
    let blockSize = max(1 << 16, chunk.bytes.count + 1)
    var reader = LineReader(source: source, blockSize: blockSize, skipsBOM: chunk.index == 0)
    return try JSONSourceReader(layout: layout, zone: zone).forEachRecord(&reader, body)
  }
}
