/// The push-style core behind `DecompressingReader` and `Inflate`: a DEFLATE stream in its
/// wrapper (gzip members, zlib, or none), fed input pieces of any size; the output waits in the
/// `Inflater`'s buffer (`pending`, `take`).
///
/// After the stream: gzip reads member after member while the next two bytes are 1f 8b.
/// Whatever follows the last member (or the zlib/raw stream) is counted, not decoded: all zero
/// bytes are padding (some uploaders pad) and are accepted silently; otherwise all those bytes
/// are `trailingGarbageBytes`, which the caller may refuse or report (GNU gzip warns "trailing
/// garbage ignored", exits 2, and still writes the data).
final class StreamDecoder {
  private enum Phase { case header, body, trailer, afterMember, trailing, finished }

  let wrapper: DecompressingReader.Wrapper
  let limit: Int
  private let inflater: Inflater
  private var phase = Phase.header
  /// Bytes the inflater took past the end of its stream, read before the rest of the input.
  private var carry: [UInt8] = []
  private var carryIndex = 0
  /// Compressed bytes received before the current call's input.
  private var received = 0
  private var gzipHeader = GzipHeader()
  private var trailer: [UInt8] = []
  private var previousMembers = 0
  private(set) var members = 0
  private(set) var trailingBytes = 0
  private var trailingNonZero = false

  /// The format named in errors.
  let format: String

  init(wrapper: DecompressingReader.Wrapper, limit: Int = .max) {
    self.wrapper = wrapper
    self.limit = limit
    switch wrapper {
    case .gzip: format = "gzip"
    case .zlib: format = "zlib"
    case .raw: format = "DEFLATE"
    }
    inflater = Inflater(
      format: format, check: wrapper == .gzip ? .crc32 : wrapper == .zlib ? .adler32 : .none)
    if wrapper == .raw { phase = .body }
  }

  var pending: UnsafeRawBufferPointer { inflater.pending }
  func take(_ count: Int) { inflater.take(count) }
  var isFinished: Bool { phase == .finished }
  /// Bytes after the last member or stream when any of them is not zero; else 0.
  var trailingGarbageBytes: Int { trailingNonZero ? trailingBytes : 0 }
  /// Decoded bytes so far, over all members.
  var produced: Int { previousMembers + inflater.produced }

  /// Decodes what it can of `input` (`isFinal`: no input follows it); returns the bytes consumed.
  /// Returns early, with input left, when pending output must be taken first.
  func decode(_ input: UnsafeRawBufferPointer, isFinal: Bool) throws(CompressionError) -> Int {
    var position = 0
    defer { received += position }
    while true {
      switch phase {
      case .header:
        if wrapper == .gzip {
          while !gzipHeader.isComplete {
            let offset = received + position - (carry.count - carryIndex)
            guard let byte = nextByte(input, &position) else { return try needInput(position, isFinal) }
            try gzipHeader.feed(byte, offset: offset)
          }
          inflater.restart(baseOffset: received + position - (carry.count - carryIndex))
        } else {
          while trailer.count < 2 {
            guard let byte = nextByte(input, &position) else { return try needInput(position, isFinal) }
            trailer.append(byte)
          }
          let window = try ZlibHeader.window(trailer[0], trailer[1], offset: received + position - 2)
          trailer.removeAll()
          inflater.restart(baseOffset: received + position - (carry.count - carryIndex), window: window)
        }
        phase = .body
      case .body:
        let status: Inflater.Status
        if carryIndex < carry.count {
          let result = carry[carryIndex...].withUnsafeBytes { raw in
            Result { () throws(CompressionError) in try inflater.decode(raw) }
          }
          let step = try result.get()
          carryIndex += step.consumed
          status = step.status
        } else {
          let step = try inflater.decode(UnsafeRawBufferPointer(rebasing: input[position...]))
          position += step.consumed
          status = step.status
        }
        if produced > limit {
          throw .limitExceeded(format: format, offset: inflater.offset, limit: limit, what: "the decompressed output")
        }
        switch status {
        case .outputFull:
          return position
        case .needsInput:
          if carryIndex >= carry.count && position == input.count {
            if isFinal { throw .truncated(format: format, offset: received + position) }
            return position
          }
        case .finished:
          carry = inflater.leftoverBytes() + carry[carryIndex...]
          carryIndex = 0
          phase = .trailer
        }
      case .trailer:
        let size = wrapper == .gzip ? 8 : wrapper == .zlib ? 4 : 0
        while trailer.count < size {
          guard let byte = nextByte(input, &position) else { return try needInput(position, isFinal) }
          trailer.append(byte)
        }
        try checkTrailer(at: received + position - (carry.count - carryIndex) - size)
        trailer.removeAll()
        members += 1
        phase = wrapper == .gzip ? .afterMember : .trailing
      case .afterMember:
        // Another member follows when the next two bytes are 1f 8b.
        let unread = carry.count - carryIndex + input.count - position
        if unread < 2 && !isFinal { return absorbAll(input, &position) }
        if unread >= 2 && peek(input, position, 0) == 0x1F && peek(input, position, 1) == 0x8B {
          guard inflater.pending.isEmpty else { return position }
          previousMembers += inflater.produced
          gzipHeader = GzipHeader()
          phase = .header
        } else {
          phase = .trailing
        }
      case .trailing:
        while let byte = nextByte(input, &position) {
          trailingBytes += 1
          if byte != 0 { trailingNonZero = true }
        }
        if isFinal { phase = .finished }
        return position
      case .finished:
        return position
      }
    }
  }

  /// Moves the rest of `input` into `carry` (fewer than 2 bytes: waiting to see a member's magic).
  private func absorbAll(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Int {
    carry = Array(carry[carryIndex...]) + input[position...]
    carryIndex = 0
    position = input.count
    return position
  }

  private func peek(_ input: UnsafeRawBufferPointer, _ position: Int, _ k: Int) -> UInt8 {
    let inCarry = carry.count - carryIndex
    return k < inCarry ? carry[carryIndex + k] : input[position + k - inCarry]
  }

  private func nextByte(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> UInt8? {
    if carryIndex < carry.count {
      carryIndex += 1
      return carry[carryIndex - 1]
    }
    guard position < input.count else { return nil }
    position += 1
    return input[position - 1]
  }

  private func needInput(_ position: Int, _ isFinal: Bool) throws(CompressionError) -> Int {
    if isFinal { throw .truncated(format: format, offset: received + position) }
    return position
  }

  private func checkTrailer(at offset: Int) throws(CompressionError) {
    func littleEndian(_ i: Int) -> UInt32 {
      UInt32(trailer[i]) | UInt32(trailer[i + 1]) << 8 | UInt32(trailer[i + 2]) << 16 | UInt32(trailer[i + 3]) << 24
    }
    switch wrapper {
    case .gzip:
      let expected = littleEndian(0), actual = inflater.checkValue
      guard expected == actual else {
        throw .checksumMismatch(format: format, offset: offset, expected: expected, actual: actual)
      }
      let size = littleEndian(4), actualSize = UInt32(truncatingIfNeeded: inflater.produced)
      guard size == actualSize else {
        throw .corrupt(format: format, offset: offset + 4, reason: "the stored size (ISIZE) is \(size) but the member decodes to \(actualSize) bytes (mod 2^32)")
      }
    case .zlib:
      let expected = UInt32(trailer[0]) << 24 | UInt32(trailer[1]) << 16 | UInt32(trailer[2]) << 8 | UInt32(trailer[3])
      let actual = inflater.checkValue
      guard expected == actual else {
        throw .checksumMismatch(format: format, offset: offset, expected: expected, actual: actual)
      }
    case .raw:
      break
    }
  }
}
