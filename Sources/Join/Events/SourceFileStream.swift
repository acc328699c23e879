import Ingest
import Platforms

/// The files of one source (`FileTree`) as one stream of chunks for the parse pipeline, opened
/// one at a time in the listing's order, each chunk tagged with its file.
///
/// Line-oriented files (CSV, JSON lines) are cut into chunks (`ChunkReader`), and an Avro file's
/// blocks are its chunks (transcoded to JSON lines by the parse workers); a file whose records
/// must be read in sequence (a JSON array, concatenated documents, Klaviyo pages) ends the
/// current run of chunks and is handed out whole by `takeSequential`. At most one file is open.
package struct SourceFileStream: ~Copyable {
  /// What the parse workers need of each file: its reader, and its CSV header once read.
  package final class Context: Sendable {
    package let readers: [SourceReader]
    private let headers: Locked<[[String]?]>
    private let transcoders: Locked<[AvroTranscoder?]>

    init(readers: [SourceReader]) {
      self.readers = readers
      headers = Locked([[String]?](repeating: nil, count: readers.count))
      transcoders = Locked([AvroTranscoder?](repeating: nil, count: readers.count))
    }

    /// File `file`'s Avro transcoder, once its header has been read (nil for a text file).
    package func transcoder(_ file: Int) -> AvroTranscoder? { transcoders.withLock { $0[file] } }

    func setTranscoder(_ transcoder: AvroTranscoder, of file: Int) { transcoders.withLock { $0[file] = transcoder } }

    /// File `file`'s CSV header, once its first chunk has been read (nil before, or for a file
    /// with no line).
    package func header(_ file: Int) -> [String]? { headers.withLock { $0[file] } }

    func setHeader(_ header: [String], of file: Int) { headers.withLock { $0[file] = header } }
  }

  /// A file to be read in sequence.
  package struct Opened {
    package let file: Int
    package let opened: SourceReader.Opened
  }

  package let context: Context
  package let isTree: Bool
  private let chunkSize: Int
  private let files: [FileTree.File]
  /// The next file to open.
  private var next = 0
  private var current: ChunkReader? = nil
  /// A small file's chunk, to be read whole by a parse thread (`Chunk.wholeFiles`).
  private var whole: ChunkReader.Chunk? = nil
  /// The reader of a finished file, kept for the next one (its buffer is reused).
  private var spare: ChunkReader? = nil
  /// The current file when it is an Avro file: its blocks are the chunks.
  private var currentAvro: AvroFile? = nil
  private var currentFile = -1
  private var waiting: Opened? = nil
  /// Bytes read from files finished, and from the current one.
  private var finishedBytes = 0
  private var currentRead = 0

  package init(tree: FileTree, readers: [SourceReader], chunkSize: Int) {
    context = Context(readers: readers)
    isTree = tree.isTree
    files = tree.files
    self.chunkSize = chunkSize
  }

  /// True when every file has been handed out.
  package var isDone: Bool { next >= files.count && current == nil && currentAvro == nil && waiting == nil && whole == nil }

  /// Bytes read so far (decompressed), for progress.
  package var bytesRead: Int { finishedBytes + currentRead }

  /// The size of a single uncompressed file, known in advance (nil for a folder).
  package var expectedBytes: Int? { isTree ? nil : files.first.map(\.size).flatMap { $0 > 0 ? $0 : nil } }

  /// The next file when it must be read in sequence (it is then handed over); nil when the next
  /// file is line-oriented (read it with `nextChunk`) or none is left.
  package mutating func takeSequential() throws -> Opened? {
    if waiting == nil && current == nil && currentAvro == nil && whole == nil && next < files.count { try open() }
    defer { waiting = nil }
    return waiting
  }

  /// The next chunk of the current run of line-oriented files; nil at the end of the run (a
  /// sequential file or the end of the files).
  package mutating func nextChunk() throws -> ChunkReader.Chunk? {
    while true {
      if let chunk = whole.take() { return chunk }
      if var avro = currentAvro.take() {
        if let block = try avro.nextBlock() {
          currentRead += block.bytes.count
          currentAvro = avro
          var chunk = ChunkReader.Chunk(avro: block)
          chunk.file = currentFile
          return chunk
        }
        finishedBytes += currentRead
        currentRead = 0
      }
      if var reader = current.take() {
        let chunk = try reader.next()
        currentRead = reader.bytesRead
        if var chunk {
          current = consume reader
          chunk.file = currentFile
          if chunk.index == 0, context.readers[currentFile].spec.format.isCSV {
            context.setHeader(try context.readers[currentFile].csvHeader(chunk), of: currentFile)
          }
          return chunk
        }
        finishedBytes += currentRead
        currentRead = 0
        spare = consume reader
      }
      guard waiting == nil, next < files.count else { return nil }
      try open()
      if waiting != nil { return nil }
    }
  }

  /// True for a file of a folder small enough to be read whole by a parse thread: a plain file
  /// (not a zip member) of at most a chunk, of a format read record by record.
  private func isSmall(_ file: Int) -> Bool {
    isTree && files[file].zip == nil && files[file].size <= chunkSize && !context.readers[file].spec.format.isJSONAPIPages
  }

  /// Opens file `next`: line-oriented files become `current`, the others `waiting`.
  private mutating func open() throws {
    let file = next
    next += 1
    let reader = context.readers[file]
    if isSmall(file) {
      // Small files of a folder go to a parse thread unopened, as many as fit a chunk; it reads
      // each file itself.
      var chunk = ChunkReader.Chunk(bytes: [], linesBefore: 0, index: 0)
      chunk.file = file
      chunk.wholeFiles = [file]
      var bytes = files[file].size
      while next < files.count && isSmall(next) && bytes + files[next].size <= chunkSize && chunk.wholeFiles.count < 1024 {
        chunk.wholeFiles.append(next)
        bytes += files[next].size
        next += 1
      }
      chunk.wholeFileBytes = bytes
      whole = chunk
      finishedBytes += bytes
      return
    }
    let source: ByteSource
    switch try reader.open() {
    case .avro(let avro):
      context.setTranscoder(AvroTranscoder(file: avro), of: file)
      currentAvro = avro
      currentFile = file
      return
    case .pages:
      waiting = Opened(file: file, opened: .pages)
      return
    case .json(let json):
      if !reader.isChunkable(json.framing) {
        waiting = Opened(file: file, opened: .json(json))
        return
      }
      source = json.source
    case .bytes(let bytes):
      source = bytes
    }
    if var reused = spare.take() {
      reused.restart(source: source, csvQuotes: reader.spec.format.isCSV)
      current = consume reused
    } else {
      current = ChunkReader(source: source, csvQuotes: reader.spec.format.isCSV, chunkSize: chunkSize)
    }
    currentFile = file
  }
}
