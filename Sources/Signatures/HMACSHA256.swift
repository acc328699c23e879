/// HMAC-SHA256 (RFC 2104, with SHA-256 as the hash): H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)),
/// the message authentication code of `X-CIO-Signature` and `Klaviyo-Signature`. RFC 4231's
/// test cases 1–7 are in `HMACSHA256Tests`.
///
/// The key is first hashed if it is longer than the 64-byte block, then padded with zeros to
/// 64 bytes (RFC 2104, section 2); an empty key is allowed (all zeros). `init(key:)` compresses
/// the two padded key blocks once, so the value holds the inner and outer hashes already keyed:
/// a verifier keeps one instance per secret and copies it for each request (no allocation, no
/// key hashing). Incremental like `SHA256`: `update` with any pieces, then `finalize` once.
///
/// Compare a computed code with a received one through `ConstantTime.equal`, never `==`.
public struct HMACSHA256: Sendable {
  /// The length of a code in bytes.
  public static let byteCount = SHA256.digestByteCount

  /// SHA-256 after the block K ⊕ 0x36…; the message goes on from here.
  private var inner: SHA256
  /// SHA-256 after the block K ⊕ 0x5c…; only the inner digest follows.
  private var outer: SHA256

  /// An authenticator keyed with `key` (any length; longer than 64 bytes is hashed first).
  public init(key: [UInt8]) {
    var block = key.count > SHA256.blockByteCount ? SHA256.hash(key) : key
    block += repeatElement(0, count: SHA256.blockByteCount - block.count)
    inner = SHA256()
    inner.update(block.map { $0 ^ 0x36 })
    outer = SHA256()
    outer.update(block.map { $0 ^ 0x5c })
  }

  /// The code of `message` under `key` (32 bytes).
  public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
    var hmac = HMACSHA256(key: key)
    hmac.update(message)
    return hmac.finalize()
  }

  /// Adds `bytes` to the message.
  ///
  /// A precondition refuses an update after `finalize()`.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    inner.update(bytes)
  }

  /// Adds `bytes` to the message (contiguous storage is read in place).
  ///
  /// A precondition refuses an update after `finalize()`.
  public mutating func update(_ bytes: some Sequence<UInt8>) {
    inner.update(bytes)
  }

  /// The code of every byte given (32 bytes). The instance is spent afterwards, as a `SHA256` is.
  public mutating func finalize() -> [UInt8] {
    outer.update(inner.finalize())
    return outer.finalize()
  }
}
