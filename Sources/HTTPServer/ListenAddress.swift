#if canImport(Glibc)
  import Glibc
#endif

/// Where the server listens: `HOST:PORT`, with an IPv4 literal (`127.0.0.1:8080`), an IPv6
/// literal in brackets (`[::1]:8080`) or `localhost` (127.0.0.1). Host names are not resolved:
/// the server makes no DNS query, and a name could resolve to an address nobody intended.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
  /// The numeric host as written (`127.0.0.1`, `::1`).
  public let host: String
  public let port: UInt16
  /// Whether the host is IPv6.
  public let isIPv6: Bool

  /// The loopback default, `127.0.0.1:8787`.
  public static let loopbackDefault = ListenAddress(host: "127.0.0.1", port: 8787, isIPv6: false)

  init(host: String, port: UInt16, isIPv6: Bool) {
    self.host = host
    self.port = port
    self.isIPv6 = isIPv6
  }

  /// Parses `HOST:PORT`; nil with a reason in `problem` when it is not one.
  public static func parse(_ text: String) -> Result<ListenAddress, HTTPServerError> {
    let bad = { (why: String) in Result<ListenAddress, HTTPServerError>.failure(.address(text, why)) }
    var host: Substring
    var portText: Substring
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { return bad("an IPv6 address needs a closing ']'") }
      host = text[text.index(after: text.startIndex)..<close]
      let rest = text[text.index(after: close)...]
      guard rest.hasPrefix(":") else { return bad("expected ':PORT' after the IPv6 address") }
      portText = rest.dropFirst()
    } else {
      guard let colon = text.lastIndex(of: ":") else { return bad("expected HOST:PORT, e.g. 127.0.0.1:8787") }
      host = text[..<colon]
      portText = text[text.index(after: colon)...]
    }
    guard let port = UInt16(portText), !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
      return bad("the port must be a number from 0 to 65535")
    }
    if host == "localhost" { host = "127.0.0.1" }
    let isIPv6 = host.contains(":")
    var probe = [UInt8](repeating: 0, count: 16)
    guard inet_pton(isIPv6 ? AF_INET6 : AF_INET, String(host), &probe) == 1 else {
      return bad("the host must be a numeric IPv4 or [IPv6] address (names are not resolved)")
    }
    return .success(ListenAddress(host: String(host), port: port, isIPv6: isIPv6))
  }

  /// Whether only this machine can connect: 127.0.0.0/8 or ::1.
  public var isLoopback: Bool {
    if isIPv6 { return host == "::1" || host == "0:0:0:0:0:0:0:1" }
    return host.hasPrefix("127.")
  }

  public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
