/// The DEFLATE (RFC 1951) decoding state machine: push any piece of compressed input, take the
/// output from its buffer. The wrappers (gzip, zlib, zip) and `DecompressingReader` drive it.
///
/// Memory is fixed whatever the input: a 288 KiB output buffer (the 32 KiB window of history
/// plus 256 KiB of output), three decoding tables (11 KiB) and 320 code lengths. Decoded bytes
/// stay in the buffer until the owner takes them (`pending`, `take`); when it is nearly full, a
/// call first slides the retained history to its front. The decoder stops with `.outputFull`
/// rather than overwrite what was not taken.
///
/// Input is taken byte by byte into a 64-bit bit buffer; every byte of a piece is consumed
/// unless the stream ends or the output is full. Between pieces the state is exact to the bit:
/// any split of the input, down to single bytes, gives the same output and the same errors.
/// Bytes taken past the end of the stream (at most 7) come back from `leftoverBytes()`.
///
/// Two decoding paths: the fast loop (`Inflater+FastLoop.swift`) runs while at least 16 input
/// bytes and `fastOutputMargin` bytes of room remain, with one unconditional refill per symbol
/// pair; the careful path decodes one symbol at a time and waits for more input without
/// consuming a partial symbol.
final class Inflater {
  /// Why `decode` returned.
  enum Status: Equatable { case needsInput, outputFull, finished }

  /// Where the decoder is in the stream.
  enum Phase { case blockHeader, storedLengths, storedCopy, tableCounts, precodeLengths, codeLengths, codes, finished }

  /// The check value computed over the output as it is produced.
  enum Check { case none, crc32, adler32 }

  static let history = 32768
  static let bufferSize = history + (1 << 18)
  /// Room the fast loop needs: the longest match plus its 8-byte copy overshoot, plus 3 literals.
  static let fastOutputMargin = 258 + 16
  static let precodeOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

  let format: String
  /// The most a distance may reach back: 32 KiB, or less when a zlib header says so.
  var window: Int
  /// The offset, in the whole compressed input, of the first byte given to this decoder.
  var baseOffset: Int
  /// Bytes taken into the bit buffer (or copied by a stored block) since `baseOffset`.
  var consumed = 0
  var bits: UInt64 = 0
  var bitCount = 0
  var phase = Phase.blockHeader
  var isLastBlock = false
  var storedRemaining = 0
  var literalCodes = 0, distanceCodes = 0, precodeCodes = 0, lengthIndex = 0

  let output: UnsafeMutablePointer<UInt8>
  /// Output is `output[readPosition..<writePosition]`; history reaches back to `output[0]`.
  var writePosition = 0
  private(set) var readPosition = 0
  /// Bytes produced since the start (or the last `restart`).
  private(set) var produced = 0
  let lengths: UnsafeMutablePointer<UInt8>
  let literalTable: UnsafeMutablePointer<UInt32>
  let distanceTable: UnsafeMutablePointer<UInt32>
  let precodeTable: UnsafeMutablePointer<UInt32>
  let check: Check
  private(set) var crc = CRC32()
  private(set) var adler = Adler32()

  init(format: String, check: Check, baseOffset: Int = 0, window: Int = Inflater.history) {
    self.format = format
    self.check = check
    self.baseOffset = baseOffset
    self.window = window
    output = .allocate(capacity: Inflater.bufferSize + 8)
    lengths = .allocate(capacity: 320)
    lengths.initialize(repeating: 0, count: 320)
    literalTable = .allocate(capacity: HuffmanTable.Alphabet.literalLength.capacity)
    distanceTable = .allocate(capacity: HuffmanTable.Alphabet.distance.capacity)
    precodeTable = .allocate(capacity: HuffmanTable.Alphabet.codeLength.capacity)
  }

  deinit {
    output.deallocate()
    lengths.deallocate()
    literalTable.deallocate()
    distanceTable.deallocate()
    precodeTable.deallocate()
  }

  /// The decoded bytes not yet taken.
  var pending: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: output + readPosition, count: writePosition - readPosition)
  }

  /// Marks the first `count` pending bytes as taken.
  func take(_ count: Int) {
    precondition(count >= 0 && count <= writePosition - readPosition)
    readPosition += count
  }

  /// The check value of everything produced so far.
  var checkValue: UInt32 { check == .adler32 ? adler.value : crc.value }

  /// Starts a new stream at `baseOffset` (the next gzip member); the output must all be taken.
  func restart(baseOffset: Int, window: Int = Inflater.history) {
    precondition(readPosition == writePosition)
    self.baseOffset = baseOffset
    self.window = window
    consumed = 0
    bits = 0
    bitCount = 0
    phase = .blockHeader
    isLastBlock = false
    writePosition = 0
    readPosition = 0
    produced = 0
    crc = CRC32()
    adler = Adler32()
  }

  /// The whole bytes left in the bit buffer once the stream has ended: they follow the stream.
  func leftoverBytes() -> [UInt8] {
    precondition(phase == .finished)
    var result = [UInt8]()
    var b = bits >> UInt64(bitCount % 8)
    for _ in 0..<bitCount / 8 {
      result.append(UInt8(truncatingIfNeeded: b))
      b >>= 8
    }
    return result
  }

  /// The offset in the compressed input of the byte holding the next unread bit.
  var offset: Int { baseOffset + consumed - bitCount / 8 }

  func corrupt(_ reason: String) -> CompressionError {
    .corrupt(format: format, offset: offset, reason: reason)
  }

  /// Decodes as much of `input` as it can; returns the bytes of `input` consumed and why it stopped.
  ///
  /// `.needsInput`: every byte was consumed and the stream goes on (if there is no more input,
  /// the stream is truncated). `.outputFull`: take the pending output and call again with the
  /// unconsumed input. `.finished`: the last block has ended.
  func decode(_ input: UnsafeRawBufferPointer) throws(CompressionError) -> (consumed: Int, status: Status) {
    makeRoom()
    let start = writePosition
    var position = 0
    defer {
      let count = writePosition - start
      if count > 0 {
        let produced = UnsafeRawBufferPointer(start: output + start, count: count)
        switch check {
        case .none: break
        case .crc32: crc.update(produced)
        case .adler32: adler.update(produced)
        }
        self.produced += count
      }
    }
    let status = try run(input, &position)
    return (position, status)
  }

  /// Slides the history to the front of the buffer when the room left is short of a fast loop's.
  private func makeRoom() {
    guard Inflater.bufferSize - writePosition < Inflater.fastOutputMargin + 4096 else { return }
    let shift = Swift.min(readPosition, writePosition - Inflater.history)
    guard shift > 0 else { return }
    (output).update(from: output + shift, count: writePosition - shift)
    writePosition -= shift
    readPosition -= shift
  }

  /// Takes input bytes into the bit buffer until it holds at least 56 bits or the input ends.
  @inline(__always)
  func refill(_ input: UnsafeRawBufferPointer, _ position: inout Int) {
    while bitCount <= 55 && position < input.count {
      bits |= UInt64(input[position]) << UInt64(bitCount)
      bitCount += 8
      position += 1
      consumed += 1
    }
  }

  @inline(__always)
  func drop(_ n: Int) {
    bits >>= UInt64(n)
    bitCount -= n
  }

  private func run(_ input: UnsafeRawBufferPointer, _ position: inout Int) throws(CompressionError) -> Status {
    while true {
      switch phase {
      case .blockHeader:
        refill(input, &position)
        guard bitCount >= 3 else { return .needsInput }
        isLastBlock = bits & 1 != 0
        let type = (bits >> 1) & 3
        drop(3)
        switch type {
        case 0:
          drop(bitCount % 8)
          phase = .storedLengths
        case 1:
          try useFixedCodes()
          phase = .codes
        case 2:
          phase = .tableCounts
        default:
          throw corrupt("block type 3 (reserved)")
        }
      case .storedLengths:
        refill(input, &position)
        guard bitCount >= 32 else { return .needsInput }
        let length = Int(bits & 0xFFFF), complement = Int((bits >> 16) & 0xFFFF)
        guard length == complement ^ 0xFFFF else {
          throw corrupt("stored block length \(length) does not match its complement \(complement)")
        }
        drop(32)
        storedRemaining = length
        phase = .storedCopy
      case .storedCopy:
        if storedRemaining == 0 {
          endBlock()
          continue
        }
        let room = Inflater.bufferSize - writePosition
        guard room > 0 else { return .outputFull }
        if bitCount >= 8 {
          output[writePosition] = UInt8(truncatingIfNeeded: bits)
          writePosition += 1
          drop(8)
          storedRemaining -= 1
          continue
        }
        let available = input.count - position
        guard available > 0 else { return .needsInput }
        let n = Swift.min(storedRemaining, room, available)
        UnsafeMutableRawPointer(output + writePosition).copyMemory(from: input.baseAddress! + position, byteCount: n)
        writePosition += n
        position += n
        consumed += n
        storedRemaining -= n
      case .tableCounts, .precodeLengths, .codeLengths:
        guard try readDynamicHeader(input, &position) else { return .needsInput }
        phase = .codes
      case .codes:
        if input.count - position >= 16 && Inflater.bufferSize - writePosition >= Inflater.fastOutputMargin {
          try fastLoop(input, &position)
          continue
        }
        guard Inflater.bufferSize - writePosition >= 258 else { return .outputFull }
        refill(input, &position)
        guard try decodeOneSymbol() else { return .needsInput }
      case .finished:
        return .finished
      }
    }
  }

  /// After an end-of-block code or a stored block: the next block, or the end of the stream.
  func endBlock() {
    if isLastBlock {
      phase = .finished
      drop(bitCount % 8)
    } else {
      phase = .blockHeader
    }
  }

  private func useFixedCodes() throws(CompressionError) {
    do {
      try HuffmanTable.fixedLengths.withUnsafeBufferPointer { l throws(HuffmanTable.Failure) in
        let base = l.baseAddress.unsafelyUnwrapped
        try HuffmanTable.build(base, count: 288, alphabet: .literalLength, into: literalTable)
        try HuffmanTable.build(base + 288, count: 32, alphabet: .distance, into: distanceTable)
      }
    } catch {
      throw corrupt("the fixed codes could not be built")
    }
  }
}
