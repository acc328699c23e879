@testable import Ingest

/// JSONScanner (the event-stream path) and the tree parser (experiment files) read the same
/// document alike: on a document the tree parser accepts as an object (with unique member names,
/// which it requires and the scanner does not check), the scanner accepts it too and captures
/// each top-level member with the same type and the same value; on one the scanner rejects, the
/// tree parser rejects it too.
enum JSONDifferential {
  static func run(_ bytes: [UInt8]) {
    var tree = JSONTreeParser(bytes: bytes, path: "fuzz.json")
    let parsed = try? tree.parseDocument()
    var keys: [String] = []
    if let parsed, case .object(let members) = parsed.value {
      keys = members.map(\.key).filter { !$0.contains(".") && !$0.isEmpty }
    }
    let paths = JSONFieldPaths(keys.map { [$0] })
    var scanner = JSONScanner(paths: paths)
    // The tree parser skips a UTF-8 byte-order mark; the scanner is given lines without one.
    let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    let scanned: Bool = body.withUnsafeBufferPointer { buffer in
      do {
        try scanner.scan(buffer)
        return true
      } catch {
        return false
      }
    }
    guard let parsed else {
      // The tree parser rejected it: so must the scanner, unless the only fault is a repeated
      // member name (the tree parser's rule), which the scanner accepts (the first wins).
      return
    }
    guard case .object(let members) = parsed.value else {
      FuzzTargets.check(!scanned, "the scanner accepted a top-level \(parsed.typeName)")
      return
    }
    FuzzTargets.check(scanned, "the tree parser accepted an object the scanner rejects")
    body.withUnsafeBufferPointer { buffer in
      for (k, key) in keys.enumerated() {
        guard let node = members.first(where: { $0.key == key })?.node else { continue }
        let field = scanner.fields[k]
        // A key written with escapes is not matched by the scanner (paths match raw bytes).
        if field.kind == .absent { continue }
        var text: [UInt8] = []
        scanner.appendText(k, of: buffer, to: &text)
        switch node.value {
        case .string(let value):
          FuzzTargets.check(field.kind == .string && text == Array(value.utf8), "member '\(key)': string differs")
        case .number(let value):
          FuzzTargets.check(field.kind == .number, "member '\(key)': number read as \(field.kind)")
          let reread = Double(String(decoding: text, as: UTF8.self))
          FuzzTargets.check(reread == value || (reread?.isNaN == true && value.isNaN), "member '\(key)': \(value) vs \(String(decoding: text, as: UTF8.self))")
        case .bool(let value):
          FuzzTargets.check(field.kind == .bool && isTrue(scanner.fields[k], in: buffer) == value, "member '\(key)': boolean differs")
        case .null: FuzzTargets.check(field.kind == .null, "member '\(key)': null read as \(field.kind)")
        case .array: FuzzTargets.check(field.kind == .array, "member '\(key)': array read as \(field.kind)")
        case .object: FuzzTargets.check(field.kind == .object, "member '\(key)': object read as \(field.kind)")
        }
      }
    }
  }
}
