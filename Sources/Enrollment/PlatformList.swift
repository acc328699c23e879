import Ingest

/// An arm's list in the CSV form a messaging platform imports (`holdout assign --split DIR
/// --for PLATFORM`; docs/platform-lists.md gives each format with its sources).
///
/// Every list carries the arm in a per-experiment attribute `holdout_<key>` (the key lowered
/// to `[a-z0-9_]`), so that one experiment's import never overwrites another's, and, when the
/// users file has `entered_at`, the entry time in `holdout_<key>_at` in the platform's date
/// form. A user the platform cannot identify (no email or phone for Klaviyo, no valid phone for
/// a WhatsApp sender, a `userId` over 52 characters for Iterable) is skipped and counted, never
/// invented. Cells are spreadsheet-safe (`CSVField.escape`); E.164 phones keep their `+`.
public enum PlatformList: String, CaseIterable, Sendable {
  case customerio
  case braze
  case klaviyo
  case iterable
  case sendapp

  /// The names `--for` accepts.
  public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

  /// One user of a list: the id and what the users file gives besides.
  public struct Contact: Sendable {
    public var id: String
    public var email: String?
    public var phone: String?
    /// The entry time, microseconds since the epoch (UTC).
    public var enteredAt: Int64?

    public init(id: String, email: String? = nil, phone: String? = nil, enteredAt: Int64? = nil) {
      self.id = id
      self.email = email
      self.phone = phone
      self.enteredAt = enteredAt
    }
  }

  /// Why a user is not in a list.
  public enum Skip: String, CaseIterable, Sendable {
    case noEmailOrPhone = "no email or phone"
    case noValidPhone = "no phone in international (E.164) form"
    case idTooLong = "userId longer than 52 characters"
  }

  /// The attribute naming the arm: `holdout_<key>` with the key lowered to `[a-z0-9_]`.
  public static func attribute(forExperiment key: String) -> String {
    "holdout_" + String(key.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
  }

  /// The header line (with its line end).
  public func header(experiment key: String, withEntryTime: Bool, hasEmail: Bool) -> String {
    let attribute = Self.attribute(forExperiment: key)
    var columns: [String]
    switch self {
    case .customerio: columns = ["id"]
    case .braze: columns = ["external_id"]
    case .klaviyo: columns = ["Email Address", "Phone Number"]
    case .iterable: columns = hasEmail ? ["userId", "email"] : ["userId"]
    case .sendapp: columns = ["phone"]
    }
    columns.append(attribute)
    if withEntryTime && self != .sendapp { columns.append(attribute + "_at") }
    return columns.joined(separator: ",") + "\n"
  }

  /// The row for `contact` in `arm`, or why it is skipped.
  public func row(_ contact: Contact, arm: String, withEntryTime: Bool, hasEmail: Bool) -> Result<String, SkipReason> {
    var cells: [String]
    switch self {
    case .customerio, .braze: cells = [contact.id]
    case .klaviyo:
      let phone = contact.phone.flatMap(Self.e164)
      guard contact.email != nil || phone != nil else { return .failure(SkipReason(.noEmailOrPhone)) }
      cells = [contact.email ?? "", phone ?? ""]
    case .iterable:
      guard contact.id.count <= 52 else { return .failure(SkipReason(.idTooLong)) }
      cells = hasEmail ? [contact.id, contact.email ?? ""] : [contact.id]
    case .sendapp:
      guard let phone = contact.phone.flatMap(Self.e164) else { return .failure(SkipReason(.noValidPhone)) }
      cells = [phone]
    }
    cells.append(arm)
    if withEntryTime && self != .sendapp {
      cells.append(contact.enteredAt.map(time) ?? "")
    }
    return .success(cells.map(CSVField.escape).joined(separator: ",") + "\n")
  }

  /// A skip, wrapped so it can be a `Result` failure.
  public struct SkipReason: Error, Sendable {
    public let skip: Skip
    init(_ skip: Skip) { self.skip = skip }
  }

  /// The entry time in the platform's form: Unix seconds (Customer.io), ISO-8601 (Braze),
  /// `YYYY-MM-DD HH:MM:SS` UTC (Klaviyo, Iterable).
  func time(_ micros: Int64) -> String {
    switch self {
    case .customerio: return String(micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000)
    case .braze: return Timestamp.format(micros / 1_000_000 * 1_000_000)
    default:
      let iso = Timestamp.format(micros / 1_000_000 * 1_000_000)
      return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
    }
  }

  /// `text` as E.164 (`+` and 7 to 15 digits, the first not 0), after removing spaces, `-`,
  /// `.`, `(`, `)` and `/` and reading a leading `00` as `+`; nil when it has no country code
  /// (no `+` or `00`: a national number is never guessed) or is not that shape.
  public static func e164(_ text: String) -> String? {
    var digits = String(text.unicodeScalars.filter { !" -.()/\t".unicodeScalars.contains($0) })
    if digits.hasPrefix("00") { digits = "+" + digits.dropFirst(2) }
    guard digits.hasPrefix("+") else { return nil }
    let rest = digits.dropFirst()
    guard (7...15).contains(rest.count), rest.allSatisfy({ $0.isASCII && $0.isNumber }), rest.first != "0" else { return nil }
    return digits
  }
}
