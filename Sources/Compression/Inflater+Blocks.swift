/// The careful path: a dynamic block's header and one symbol at a time, each step taken only
/// when all its bits are in the bit buffer (otherwise nothing is consumed and the decoder waits
/// for input). Used at the ends of input pieces and near the end of the output buffer.
extension Inflater {
  /// Reads HLIT/HDIST/HCLEN, the code-length code and the code lengths, then builds the tables.
  /// Returns false when it needs more input (it resumes where it stopped).
  func readDynamicHeader(_ input: UnsafeRawBufferPointer, _ position: inout Int) throws(CompressionError) -> Bool {
    if phase == .tableCounts {
      refill(input, &position)
      guard bitCount >= 14 else { return false }
      literalCodes = Int(bits & 31) + 257
      distanceCodes = Int((bits >> 5) & 31) + 1
      precodeCodes = Int((bits >> 10) & 15) + 4
      guard literalCodes <= 286 else { throw corrupt("\(literalCodes) literal/length codes (at most 286)") }
      guard distanceCodes <= 30 else { throw corrupt("\(distanceCodes) distance codes (at most 30)") }
      drop(14)
      lengths.update(repeating: 0, count: 19)
      lengthIndex = 0
      phase = .precodeLengths
    }
    if phase == .precodeLengths {
      while lengthIndex < precodeCodes {
        refill(input, &position)
        guard bitCount >= 3 else { return false }
        lengths[Inflater.precodeOrder[lengthIndex]] = UInt8(bits & 7)
        drop(3)
        lengthIndex += 1
      }
      do {
        try HuffmanTable.build(lengths, count: 19, alphabet: .codeLength, into: precodeTable)
      } catch {
        throw corrupt("the code-length code is \(error == .overSubscribed ? "over-subscribed" : "incomplete")")
      }
      lengthIndex = 0
      phase = .codeLengths
    }
    let total = literalCodes + distanceCodes
    while lengthIndex < total {
      refill(input, &position)
      let entry = precodeTable[Int(bits & 127)]
      let length = Int(entry & 15)
      guard length <= bitCount else { return false }
      let symbol = Int(entry >> 16)
      if symbol < 16 {
        drop(length)
        lengths[lengthIndex] = UInt8(symbol)
        lengthIndex += 1
        continue
      }
      let extra = symbol == 16 ? 2 : symbol == 17 ? 3 : 7
      guard length + extra <= bitCount else { return false }
      let count = (symbol == 18 ? 11 : 3) + Int((bits >> UInt64(length)) & ((1 << UInt64(extra)) - 1))
      var value: UInt8 = 0
      if symbol == 16 {
        guard lengthIndex > 0 else { throw corrupt("a code-length repeat with no previous length") }
        value = lengths[lengthIndex - 1]
      }
      guard lengthIndex + count <= total else { throw corrupt("code lengths repeat past the \(total) codes") }
      drop(length + extra)
      (lengths + lengthIndex).update(repeating: value, count: count)
      lengthIndex += count
    }
    guard lengths[256] != 0 else { throw corrupt("the block has no end-of-block code") }
    do {
      try HuffmanTable.build(lengths, count: literalCodes, alphabet: .literalLength, into: literalTable)
    } catch {
      throw corrupt("the literal/length code is \(error == .overSubscribed ? "over-subscribed" : "incomplete")")
    }
    do {
      try HuffmanTable.build(lengths + literalCodes, count: distanceCodes, alphabet: .distance, into: distanceTable)
    } catch {
      throw corrupt("the distance code is \(error == .overSubscribed ? "over-subscribed" : "incomplete")")
    }
    return true
  }

  /// Decodes one literal, end-of-block code, or length/distance pair with its copy. Returns
  /// false, consuming nothing, when the bit buffer does not hold all of it. Needs 258 bytes of
  /// room in the output.
  func decodeOneSymbol() throws(CompressionError) -> Bool {
    var entry = literalTable[Int(bits & 0x7FF)]
    if entry & HuffmanTable.subtableFlag != 0 {
      guard bitCount >= 11 else { return false }
      entry = literalTable[Int(entry >> 16) + Int((bits >> 11) & ((1 << UInt64((entry >> 8) & 15)) - 1))]
    }
    let length = Int(entry & 15)
    guard length <= bitCount else { return false }
    if entry & HuffmanTable.literalFlag != 0 {
      output[writePosition] = UInt8(truncatingIfNeeded: entry >> 16)
      writePosition += 1
      drop(length)
      return true
    }
    if entry & HuffmanTable.endOfBlockFlag != 0 {
      drop(length)
      endBlock()
      return true
    }
    if entry & HuffmanTable.invalidFlag != 0 { throw corrupt("an invalid literal/length code") }
    let extra = Int((entry >> 8) & 31)
    let used = length + extra
    guard used <= bitCount else { return false }
    let matchLength = Int(entry >> 16) + Int((bits >> UInt64(length)) & ((1 << UInt64(extra)) - 1))
    let rest = bits >> UInt64(used)
    var d = distanceTable[Int(rest & 0xFF)]
    if d & HuffmanTable.subtableFlag != 0 {
      guard bitCount - used >= 8 else { return false }
      d = distanceTable[Int(d >> 16) + Int((rest >> 8) & ((1 << UInt64((d >> 8) & 15)) - 1))]
    }
    let dLength = Int(d & 15)
    guard used + dLength <= bitCount else { return false }
    if d & HuffmanTable.invalidFlag != 0 { throw corrupt("an invalid distance code") }
    let dExtra = Int((d >> 8) & 31)
    guard used + dLength + dExtra <= bitCount else { return false }
    let distance = Int(d >> 16) + Int((rest >> UInt64(dLength)) & ((1 << UInt64(dExtra)) - 1))
    guard distance <= Swift.min(writePosition, window) else { throw tooFarBack(distance) }
    drop(used + dLength + dExtra)
    var from = writePosition - distance
    for _ in 0..<matchLength {
      output[writePosition] = output[from]
      writePosition += 1
      from += 1
    }
    return true
  }

  func tooFarBack(_ distance: Int) -> CompressionError {
    if distance > window && writePosition >= window {
      return corrupt("a distance of \(distance) bytes reaches past the \(window)-byte window")
    }
    return corrupt("a distance of \(distance) bytes reaches back before the start of the output")
  }
}
