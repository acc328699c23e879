/// A compiled set of member paths (`data.identifiers.id`, `event_properties.$revenue`) for
/// `JSONScanner`: a trie over member names, so the scanner decides with one comparison per member
/// whether to capture it, descend into it or skip it.
public struct JSONFieldPaths: Sendable, Equatable {
  struct Node: Sendable, Equatable {
    var key: [UInt8]
    var children: [Int32] = []
    /// The index of the path ending here, or −1.
    var terminal: Int32 = -1
  }

  private(set) var nodes: [Node] = [Node(key: [])]
  /// The number of paths; field `i` of a scan is path `i`.
  public let count: Int

  /// Compiles `paths`, each a list of member names from the top-level object down. A path may
  /// be a prefix of another (both are captured). Duplicate paths share nothing: each gets its own
  /// field index, but only the first is filled.
  public init(_ paths: [[String]]) {
    count = paths.count
    for (index, path) in paths.enumerated() {
      var node = 0
      for name in path {
        let key = Array(name.utf8)
        if let existing = nodes[node].children.first(where: { nodes[Int($0)].key == key }) {
          node = Int(existing)
        } else {
          nodes.append(Node(key: key))
          nodes[node].children.append(Int32(nodes.count - 1))
          node = nodes.count - 1
        }
      }
      if nodes[node].terminal < 0 { nodes[node].terminal = Int32(index) }
    }
  }

  /// Splits a dotted path (`properties.$insert_id`) into member names.
  public static func split(_ dotted: String) -> [String] {
    dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
  }

  /// The child of `node` whose member name is `key`, or −1.
  @inline(__always)
  func child(of node: Int, key: UnsafeBufferPointer<UInt8>) -> Int {
    for child in nodes[node].children {
      let candidate = nodes[Int(child)].key
      if candidate.count == key.count
        && candidate.withUnsafeBufferPointer({ memoryEqual($0, key) })
      {
        return Int(child)
      }
    }
    return -1
  }

  @inline(__always)
  private func memoryEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
  }
}
