/// The chunked transfer coding (RFC 9112, section 7.1), read strictly:
///
/// - chunk-size: 1 to 16 hex digits (more is 400), straight at the start of the line: no `0x`,
///   sign or whitespace before it;
/// - chunk extensions `;name` or `;name=value` (value a token or a quoted-string), with optional
///   whitespace around `;` and `=` only where the grammar has BWS; checked and ignored; all the
///   extensions of one request together at most `maxHeaderBytes` bytes (400 past it);
/// - the chunk's data is followed by exactly CRLF (anything else is 400, at its first byte);
/// - the last chunk is a size of zero (`0`, `000`), then trailer fields checked with the header
///   rules and discarded, counted with the head against `maxHeaderBytes` and `maxHeaderCount`
///   (431), then the blank line;
/// - a chunk size that takes the decoded body past `maxBodyBytes` is 413, before its data.
extension HTTPRequestParser {
  /// Checks a chunk-size line (without its CRLF) and returns the size.
  mutating func readChunkSize(_ line: Range<Int>) throws(HTTPRequestError) -> Int {
    var i = line.lowerBound
    var size: UInt64 = 0
    while i < line.upperBound, let digit = HTTPSyntax.hexValue(buffer[i]) {
      guard i - line.lowerBound < 16 else { throw .badRequest("a chunk size of more than 16 hex digits") }
      size = size << 4 | UInt64(digit)
      i += 1
    }
    guard i > line.lowerBound else { throw .badRequest("a chunk size that is not hex") }
    try checkExtensions(i..<line.upperBound)
    extensionBytes += line.upperBound - i
    guard extensionBytes <= limits.maxHeaderBytes else { throw .badRequest("chunk extensions too long") }
    guard size <= UInt64(limits.maxBodyBytes - body.count) else {
      throw HTTPRequestError(status: 413, reason: "the chunked body is above the limit")
    }
    return Int(size)
  }

  /// `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`, where a name is a token and
  /// a value a token or a quoted-string.
  func checkExtensions(_ range: Range<Int>) throws(HTTPRequestError) {
    let malformed = HTTPRequestError.badRequest("a malformed chunk extension")
    var i = range.lowerBound
    let end = range.upperBound
    func skipWhitespace(_ i: inout Int) {
      while i < end, HTTPSyntax.isWhitespace(buffer[i]) { i += 1 }
    }
    func skipToken(_ i: inout Int) -> Bool {
      let from = i
      while i < end, HTTPSyntax.isTokenByte(buffer[i]) { i += 1 }
      return i > from
    }
    while i < end {
      skipWhitespace(&i)
      guard i < end, buffer[i] == UInt8(ascii: ";") else { throw malformed }
      i += 1
      skipWhitespace(&i)
      guard skipToken(&i) else { throw malformed }
      var afterName = i
      skipWhitespace(&afterName)
      guard afterName < end, buffer[afterName] == UInt8(ascii: "=") else { continue }
      i = afterName + 1
      skipWhitespace(&i)
      if i < end, buffer[i] == UInt8(ascii: "\"") {
        guard let closing = quotedStringEnd(from: i + 1, to: end) else { throw malformed }
        i = closing + 1
      } else {
        guard skipToken(&i) else { throw malformed }
      }
    }
  }

  /// The index of the DQUOTE that closes a quoted-string whose content starts at `from`; nil if
  /// it is unterminated or holds a byte that qdtext and quoted-pair do not allow.
  func quotedStringEnd(from: Int, to end: Int) -> Int? {
    var i = from
    while i < end {
      let byte = buffer[i]
      switch byte {
      case UInt8(ascii: "\""):
        return i
      case UInt8(ascii: "\\"):
        guard i + 1 < end, HTTPSyntax.isFieldValueByte(buffer[i + 1]) else { return nil }
        i += 2
      default:
        guard HTTPSyntax.isFieldValueByte(byte) else { return nil }
        i += 1
      }
    }
    return nil
  }

  /// Checks the CRLF after a chunk's data one byte at a time (so that a wrong byte is refused at
  /// the same point however the input was split); true when both bytes are there and consumed.
  mutating func checkChunkDataEnd(alreadyChecked: Int) throws(HTTPRequestError) -> Bool {
    var checked = alreadyChecked
    while checked < 2 {
      guard start < buffer.count else {
        stage = .chunkDataEnd(checked: checked)
        return false
      }
      let expected = checked == 0 ? HTTPSyntax.cr : HTTPSyntax.lf
      guard buffer[start] == expected else { throw .badRequest("chunk data not followed by CRLF") }
      start += 1
      scan = start
      checked += 1
    }
    return true
  }
}
