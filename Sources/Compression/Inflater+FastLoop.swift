/// The fast path of `Inflater`, in the manner of zlib's `inflate_fast` and libdeflate: while at
/// least 16 input bytes and `fastOutputMargin` bytes of output room remain, one branch-free
/// refill (an unaligned 8-byte load) tops the 64-bit bit buffer up to 56–63 bits, which covers a
/// whole length/distance pair (at most 15 + 5 + 15 + 13 = 48 bits) or three literals (3 × 15)
/// without a check. Matches copy 8 bytes at a time (overshooting by up to 7 bytes into the
/// margin), a run of one byte as a repeated 8-byte word.
///
/// After a refill, the bits above `bitCount` are the true next bits of the input (the load read
/// them), so OR-ing the next load over them is harmless; they are masked off when the loop
/// hands its state back to the careful path.
extension Inflater {
  func fastLoop(_ input: UnsafeRawBufferPointer, _ position: inout Int) throws(CompressionError) {
    let inputBase = input.baseAddress.unsafelyUnwrapped
    let inputStart = inputBase + position
    var next = inputStart
    let inputLimit = inputBase + (input.count - 16)
    var out = output + writePosition
    let outputLimit = output + (Inflater.bufferSize - Inflater.fastOutputMargin)
    var bits = self.bits
    var bitCount = UInt64(self.bitCount)
    let literals = UnsafePointer(literalTable), distances = UnsafePointer(distanceTable)
    let window = self.window
    let literalFlag = HuffmanTable.literalFlag, subtableFlag = HuffmanTable.subtableFlag

    @inline(__always) func lookup(_ bits: UInt64) -> UInt32 {
      let entry = literals[Int(truncatingIfNeeded: bits & 0x7FF)]
      if entry & subtableFlag == 0 { return entry }
      let mask = (UInt64(1) &<< UInt64((entry &>> 8) & 15)) &- 1
      return literals[Int(truncatingIfNeeded: entry &>> 16) &+ Int(truncatingIfNeeded: (bits &>> 11) & mask)]
    }

    var failure: String? = nil
    var markNext = next
    var markBits = bitCount
    loop: while next <= inputLimit && out <= outputLimit {
      bits |= UInt64(littleEndian: UnsafeRawPointer(next).loadUnaligned(as: UInt64.self)) &<< bitCount
      next += Int(truncatingIfNeeded: (63 &- bitCount) &>> 3)
      bitCount |= 56
      var entry = lookup(bits)
      if entry & literalFlag != 0 {
        var n = UInt64(entry & 15)
        bits &>>= n
        bitCount &-= n
        out.pointee = UInt8(truncatingIfNeeded: entry &>> 16)
        out += 1
        entry = lookup(bits)
        if entry & literalFlag != 0 {
          n = UInt64(entry & 15)
          bits &>>= n
          bitCount &-= n
          out.pointee = UInt8(truncatingIfNeeded: entry &>> 16)
          out += 1
          entry = lookup(bits)
          if entry & literalFlag != 0 {
            n = UInt64(entry & 15)
            bits &>>= n
            bitCount &-= n
            out.pointee = UInt8(truncatingIfNeeded: entry &>> 16)
            out += 1
            continue
          }
        }
        bits |= UInt64(littleEndian: UnsafeRawPointer(next).loadUnaligned(as: UInt64.self)) &<< bitCount
        next += Int(truncatingIfNeeded: (63 &- bitCount) &>> 3)
        bitCount |= 56
      }
      // Where this symbol starts, for an error's offset (as the careful path would report it:
      // next − bitCount/8 is unchanged by a refill).
      markNext = next
      markBits = bitCount
      if entry & (HuffmanTable.endOfBlockFlag | HuffmanTable.invalidFlag) != 0 {
        if entry & HuffmanTable.invalidFlag != 0 {
          failure = "an invalid literal/length code"
          break loop
        }
        let n = UInt64(entry & 15)
        bits &>>= n
        bitCount &-= n
        hand(bits, bitCount, next - inputStart, &position, out)
        endBlock()
        return
      }
      var n = UInt64(entry & 15)
      bits &>>= n
      bitCount &-= n
      var extra = UInt64((entry &>> 8) & 31)
      let length = Int(truncatingIfNeeded: entry &>> 16) &+ Int(truncatingIfNeeded: bits & ((1 &<< extra) &- 1))
      bits &>>= extra
      bitCount &-= extra
      var d = distances[Int(truncatingIfNeeded: bits & 0xFF)]
      if d & subtableFlag != 0 {
        let mask = (UInt64(1) &<< UInt64((d &>> 8) & 15)) &- 1
        d = distances[Int(truncatingIfNeeded: d &>> 16) &+ Int(truncatingIfNeeded: (bits &>> 8) & mask)]
      }
      if d & HuffmanTable.invalidFlag != 0 {
        failure = "an invalid distance code"
        break loop
      }
      n = UInt64(d & 15)
      bits &>>= n
      bitCount &-= n
      extra = UInt64((d &>> 8) & 31)
      let distance = Int(truncatingIfNeeded: d &>> 16) &+ Int(truncatingIfNeeded: bits & ((1 &<< extra) &- 1))
      bits &>>= extra
      bitCount &-= extra
      if distance > out - output || distance > window {
        writePosition = out - output
        if case .corrupt(_, _, let reason) = tooFarBack(distance) { failure = reason }
        break loop
      }
      var from = out - distance
      let end = out + length
      if distance >= 8 {
        repeat {
          UnsafeMutableRawPointer(out).storeBytes(of: UnsafeRawPointer(from).loadUnaligned(as: UInt64.self), as: UInt64.self)
          out += 8
          from += 8
        } while out < end
      } else if distance == 1 {
        let word = UInt64(from.pointee) &* 0x0101_0101_0101_0101
        repeat {
          UnsafeMutableRawPointer(out).storeBytes(of: word, as: UInt64.self)
          out += 8
        } while out < end
      } else {
        repeat {
          out.pointee = from.pointee
          out += 1
          from += 1
        } while out < end
      }
      out = end
    }
    if let failure {
      let at = baseOffset + consumed + (markNext - inputStart) - Int(markBits) / 8
      hand(bits, bitCount, next - inputStart, &position, out)
      throw .corrupt(format: format, offset: at, reason: failure)
    }
    hand(bits, bitCount, next - inputStart, &position, out)
  }

  /// Hands the loop's state back to the decoder (the bits above `bitCount` are masked off).
  @inline(__always)
  private func hand(_ bits: UInt64, _ bitCount: UInt64, _ taken: Int, _ position: inout Int, _ out: UnsafeMutablePointer<UInt8>) {
    self.bits = bitCount >= 64 ? bits : bits & ((1 &<< bitCount) &- 1)
    self.bitCount = Int(bitCount)
    position += taken
    consumed += taken
    writePosition = out - output
  }
}
