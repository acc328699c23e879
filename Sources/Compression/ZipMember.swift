extension ZipArchive {
  /// One entry of the central directory, as listed (nothing is read from the member's data).
  ///
  /// `name` is data, never a path: this module writes no files, and a name such as
  /// `../../etc/passwd` or `/tmp/x` is listed as it is. A caller that extracts must sanitise it.
  public struct Member: Sendable, Equatable {
    /// Position in the central directory (0-based).
    public var index: Int
    /// The name: UTF-8 when general-purpose flag bit 11 is set, else decoded from CP437.
    public var name: String
    /// The name's bytes as stored.
    public var rawName: [UInt8]
    /// The compression method (0 stored, 8 deflate; others are listed but not read).
    public var method: Int
    /// The general-purpose bit flags (bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8).
    public var flags: Int
    /// The CRC-32 of the uncompressed bytes, from the central directory.
    public var crc32: UInt32
    /// Sizes from the central directory (ZIP64 extra field when the 32-bit field is 0xFFFFFFFF).
    public var compressedSize: Int
    public var uncompressedSize: Int
    /// Where the member's local header starts, as stored (bytes prepended to the archive, such as
    /// a self-extractor stub, are added when the member is read).
    public var localHeaderOffset: Int
    /// Whether the name ends with `/`.
    public var isDirectory: Bool { name.hasSuffix("/") }
    /// Whether general-purpose bit 0 (traditional or strong encryption) is set.
    public var isEncrypted: Bool { flags & 1 != 0 }

    public init(
      index: Int, name: String, rawName: [UInt8], method: Int, flags: Int, crc32: UInt32,
      compressedSize: Int, uncompressedSize: Int, localHeaderOffset: Int
    ) {
      self.index = index
      self.name = name
      self.rawName = rawName
      self.method = method
      self.flags = flags
      self.crc32 = crc32
      self.compressedSize = compressedSize
      self.uncompressedSize = uncompressedSize
      self.localHeaderOffset = localHeaderOffset
    }

    /// The method's name for messages (APPNOTE section 4.4.5).
    public var methodName: String {
      switch method {
      case 0: return "stored"
      case 1: return "shrunk"
      case 2...5: return "reduced"
      case 6: return "imploded"
      case 8: return "deflate"
      case 9: return "deflate64"
      case 12: return "bzip2"
      case 14: return "LZMA"
      case 93: return "Zstandard"
      case 95: return "xz"
      case 96: return "JPEG"
      case 97: return "WavPack"
      case 98: return "PPMd"
      case 99: return "AES encryption"
      default: return "method \(method)"
      }
    }
  }

  /// Bounds against zip bombs, checked when the archive is opened (declared sizes) and while a
  /// member is read (a member may not decode to more than its declared size).
  public struct Limits: Sendable, Equatable {
    /// The largest uncompressed:compressed ratio, for a member and for the whole archive…
    public var maximumRatio: Int
    /// …applied only above this many uncompressed bytes (small, very repetitive files are fine).
    public var ratioAppliesAbove: Int
    /// The most uncompressed bytes in all members together.
    public var maximumTotalSize: Int
    /// The most central directory entries.
    public var maximumEntries: Int

    /// Defaults: ratio 1,000 above 64 MiB, 64 GiB in all, 1,000,000 entries. DEFLATE cannot
    /// exceed about 1,032:1, so the ratio refuses only stacked or lying members at that size.
    public init(
      maximumRatio: Int = 1000, ratioAppliesAbove: Int = 64 << 20, maximumTotalSize: Int = 64 << 30,
      maximumEntries: Int = 1_000_000
    ) {
      self.maximumRatio = maximumRatio
      self.ratioAppliesAbove = ratioAppliesAbove
      self.maximumTotalSize = maximumTotalSize
      self.maximumEntries = maximumEntries
    }
  }
}
