/// Why a value could not be decoded: `position` is the byte offset in the block's (decompressed)
/// data, `reason` a sentence without the fix (the transcoder adds it).
struct AvroFailure: Error {
  let position: Int
  let reason: String
  /// True when the JSON output would pass the transcoder's limit (a different fix).
  var outputLimit = false
}

/// Decodes Avro binary values (specification 1.12, "Binary Encoding") from one block's bytes
/// straight into JSON text, following an `AvroProgram`.
///
/// A cursor (`p`, `end`) walks the bytes; every read checks the bytes remaining first. Ints are
/// zig-zag varints of at most 5 bytes and 32 bits, longs of at most 10 bytes and 64 bits;
/// booleans are 0 or 1; lengths, counts, union branches and enum indices are checked against
/// what remains and what exists; nesting deeper than `JSONScanner.depthLimit` (the JSON
/// reader's limit) is refused, so a recursive schema cannot exhaust the stack.
struct AvroDecoder {
  let code: UnsafePointer<Int>
  let text: UnsafePointer<UInt8>
  let start: UnsafePointer<UInt8>
  let end: UnsafePointer<UInt8>
  var p: UnsafePointer<UInt8>
  var out: AvroJSONBuffer

  static let depthLimit = JSONScanner.depthLimit

  var position: Int { p - start }

  func failure(_ reason: String, at: UnsafePointer<UInt8>? = nil) -> AvroFailure {
    AvroFailure(position: (at ?? p) - start, reason: reason)
  }

  func limitReached() -> AvroFailure {
    AvroFailure(position: p - start, reason: "", outputLimit: true)
  }

  @inline(__always)
  mutating func reserve(_ n: Int) throws(AvroFailure) {
    guard out.reserve(n) else { throw limitReached() }
  }

  /// A zig-zag varint long.
  @inline(__always)
  mutating func long() throws(AvroFailure) -> Int64 {
    if p < end && p.pointee < 0x80 {
      let v = UInt64(p.pointee)
      p += 1
      return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }
    return try varint(maximumBytes: 10, what: "a long")
  }

  /// A zig-zag varint int (at most 5 bytes, 32 bits).
  @inline(__always)
  mutating func int() throws(AvroFailure) -> Int64 {
    if p < end && p.pointee < 0x80 {
      let v = UInt64(p.pointee)
      p += 1
      return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }
    return try varint(maximumBytes: 5, what: "an int")
  }

  /// A varint of at most `maximumBytes` (5: an int, whose 5th byte holds at most 4 bits; 10: a
  /// long, whose 10th byte holds at most 1 bit).
  private mutating func varint(maximumBytes: Int, what: String) throws(AvroFailure) -> Int64 {
    let begin = p
    let lastShift: UInt64 = maximumBytes == 5 ? 28 : 63
    let lastMaximum: UInt8 = maximumBytes == 5 ? 0x0F : 0x01
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard p < end else { throw failure("the data ends inside \(what)", at: begin) }
      let b = p.pointee
      p += 1
      guard shift < lastShift || b <= lastMaximum else {
        throw failure("\(what) is a varint of more than \(maximumBytes) bytes or \(maximumBytes == 5 ? 32 : 64) bits", at: begin)
      }
      value |= UInt64(b & 0x7F) << shift
      if b < 0x80 { break }
      shift += 7
    }
    return Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
  }

  /// A length (of bytes or a string) that fits in what remains.
  @inline(__always)
  mutating func length(_ what: String) throws(AvroFailure) -> Int {
    let at = p
    let n = try long()
    guard n >= 0 else { throw failure("\(what) has a negative length (\(n))", at: at) }
    guard n <= end - p else { throw failure("\(what) of \(n) bytes runs past the end of the data (\(end - p) bytes left)", at: at) }
    return Int(n)
  }

  /// `n` bytes as a pointer, advancing past them.
  @inline(__always)
  mutating func take(_ n: Int, _ what: String) throws(AvroFailure) -> UnsafePointer<UInt8> {
    guard n <= end - p else { throw failure("the data ends inside \(what) (\(n) bytes, \(end - p) left)") }
    defer { p += n }
    return p
  }

  /// Decodes one value of the type at `pc` and writes its JSON; `depth` is the JSON nesting.
  mutating func value(_ pc: Int, depth: Int) throws(AvroFailure) {
    switch code[pc] {
    case AvroProgram.Op.null:
      try reserve(4)
      out.putNull()
    case AvroProgram.Op.boolean:
      let b = try take(1, "a boolean").pointee
      guard b <= 1 else { throw failure("a boolean is \(b), not 0 or 1", at: p - 1) }
      try reserve(5)
      if b == 1 { "true".utf8.withContiguousStorageIfAvailable { out.put($0.baseAddress!, 4) } } else {
        "false".utf8.withContiguousStorageIfAvailable { out.put($0.baseAddress!, 5) }
      }
    case AvroProgram.Op.int:
      let v = try int()
      try reserve(20)
      out.putInteger(v)
    case AvroProgram.Op.long:
      let v = try long()
      try reserve(20)
      out.putInteger(v)
    case AvroProgram.Op.float:
      let q = try take(4, "a float")
      try reserve(32)
      out.putFloat(Float(bitPattern: UInt32(littleEndian: UnsafeRawPointer(q).loadUnaligned(as: UInt32.self))))
    case AvroProgram.Op.double:
      let q = try take(8, "a double")
      try reserve(32)
      out.putDouble(Double(bitPattern: UInt64(littleEndian: UnsafeRawPointer(q).loadUnaligned(as: UInt64.self))))
    case AvroProgram.Op.bytes:
      let n = try length("a bytes value")
      guard out.putLatin1(try take(n, "a bytes value"), n) else { throw limitReached() }
    case AvroProgram.Op.string:
      try string()
    case AvroProgram.Op.record:
      try record(pc, depth: depth)
    case AvroProgram.Op.enumeration:
      let at = p
      let index = try int()
      let count = code[pc + 1]
      guard index >= 0 && index < count else { throw failure("an enum index is \(index), but the enum has \(count) symbols", at: at) }
      let entry = pc + 2 + 2 * Int(index)
      try reserve(code[entry + 1])
      out.put(text + code[entry], code[entry + 1])
    case AvroProgram.Op.array, AvroProgram.Op.map:
      try collection(pc, depth: depth)
    case AvroProgram.Op.union:
      let at = p
      let index = try long()
      let count = code[pc + 1]
      guard index >= 0 && index < count else { throw failure("a union branch is \(index), but the union has \(count) branches", at: at) }
      try value(code[pc + 2 + Int(index)], depth: depth)
    case AvroProgram.Op.fixed:
      let n = code[pc + 1]
      guard out.putLatin1(try take(n, "a fixed value"), n) else { throw limitReached() }
    default:
      try logical(pc)
    }
  }

  /// A string: UTF-8 checked, written as a JSON string.
  @inline(__always)
  mutating func string() throws(AvroFailure) {
    let n = try length("a string")
    let s = try take(n, "a string")
    if let bad = out.putString(s, n) {
      guard bad >= 0 else { throw limitReached() }
      throw failure("a string holds bytes that are not UTF-8 (at byte \(bad) of the string)", at: s + bad)
    }
  }

  private mutating func record(_ pc: Int, depth: Int) throws(AvroFailure) {
    guard depth < Self.depthLimit else { throw failure("values nest deeper than \(Self.depthLimit) levels (the JSON reader's limit)") }
    let count = code[pc + 1]
    try reserve(2)
    out.put(UInt8(ascii: "{"))
    var field = pc + 2
    for k in 0..<count {
      let keyLength = code[field + 1]
      try reserve(keyLength + 1)
      if k > 0 { out.put(UInt8(ascii: ",")) }
      out.put(text + code[field], keyLength)
      try value(code[field + 2], depth: depth + 1)
      field += 3
    }
    try reserve(1)
    out.put(UInt8(ascii: "}"))
  }

  /// An array or a map: blocks of items (a count, negative when a byte size follows), ended by
  /// a count of 0.
  private mutating func collection(_ pc: Int, depth: Int) throws(AvroFailure) {
    guard depth < Self.depthLimit else { throw failure("values nest deeper than \(Self.depthLimit) levels (the JSON reader's limit)") }
    let isMap = code[pc] == AvroProgram.Op.map
    let child = code[pc + 1]
    let minimum = code[pc + 2] + (isMap ? 1 : 0)
    try reserve(1)
    out.put(isMap ? UInt8(ascii: "{") : UInt8(ascii: "["))
    var first = true
    while true {
      let at = p
      var count = try long()
      if count == 0 { break }
      if count < 0 {
        guard count != Int64.min else { throw failure("an array or map block has an invalid count", at: at) }
        count = -count
        let size = try long()
        guard size >= 0 else { throw failure("an array or map block has a negative byte size (\(size))", at: at) }
      }
      if minimum > 0 && count > (end - p) / minimum {
        throw failure("an array or map block claims \(count) items, more than the \(end - p) bytes left can hold", at: at)
      }
      for _ in 0..<count {
        try reserve(1)
        if !first { out.put(UInt8(ascii: ",")) }
        first = false
        if isMap {
          try string()
          try reserve(1)
          out.put(UInt8(ascii: ":"))
        }
        try value(child, depth: depth + 1)
      }
    }
    try reserve(1)
    out.put(isMap ? UInt8(ascii: "}") : UInt8(ascii: "]"))
  }

  /// The logical types that change the text: decimal, uuid on fixed, date, timestamps,
  /// duration.
  private mutating func logical(_ pc: Int) throws(AvroFailure) {
    switch code[pc] {
    case AvroProgram.Op.decimal:
      let at = p
      let size = code[pc + 2]
      let n = size >= 0 ? size : try length("a decimal")
      guard n <= AvroJSONBuffer.decimalByteLimit else {
        throw failure("a decimal is \(n) bytes long, past the limit of \(AvroJSONBuffer.decimalByteLimit) bytes (2,466 digits)", at: at)
      }
      guard out.putDecimal(try take(n, "a decimal"), n, scale: code[pc + 1]) else { throw limitReached() }
    case AvroProgram.Op.uuid:
      let q = try take(16, "a uuid")
      try reserve(38)
      out.putUUID(q)
    case AvroProgram.Op.date:
      let days = try int()
      try reserve(24)
      out.putDate(days: days)
    case AvroProgram.Op.timestamp:
      let v = try long()
      try reserve(48)
      out.putTimestamp(v, fractionDigits: code[pc + 1], utc: code[pc + 2] == 1)
    case AvroProgram.Op.duration:
      let q = try take(12, "a duration")
      try reserve(80)
      out.putDuration(q)
    default:
      preconditionFailure("AvroProgram wrote an unknown opcode \(code[pc])")
    }
  }
}
