import Enrollment
import Testing

/// Each platform's list form (docs/platform-lists.md).
@Suite struct PlatformListTests {
  @Test(arguments: [
    ("+39 333 111 2233", "+393331112233"), ("0039-333-111-2233", "+393331112233"), ("(+1) 415.555.2671", "+14155552671"),
    ("3331112233", nil), ("+0391112233", nil), ("+39", nil), ("+3933311122334455", nil), ("+39abc1234567", nil),
  ] as [(String, String?)])
  func phonesAreE164OrNotGuessed(input: String, expected: String?) {
    #expect(PlatformList.e164(input) == expected)
  }

  @Test func eachPlatformWritesItsIdentifierAndThePerExperimentAttribute() throws {
    let contact = PlatformList.Contact(id: "u1", email: "a@example.com", phone: "+39 333 111 2233", enteredAt: 1_789_336_800_000_000)
    let expected: [(PlatformList, String, String)] = [
      (.customerio, "id,holdout_wb_2026,holdout_wb_2026_at\n", "u1,whatsapp,1789336800\n"),
      (.braze, "external_id,holdout_wb_2026,holdout_wb_2026_at\n", "u1,whatsapp,2026-09-13T22:00:00Z\n"),
      (.klaviyo, "Email Address,Phone Number,holdout_wb_2026,holdout_wb_2026_at\n", "a@example.com,+393331112233,whatsapp,2026-09-13 22:00:00\n"),
      (.iterable, "userId,email,holdout_wb_2026,holdout_wb_2026_at\n", "u1,a@example.com,whatsapp,2026-09-13 22:00:00\n"),
      (.sendapp, "phone,holdout_wb_2026\n", "+393331112233,whatsapp\n"),
    ]
    for (platform, header, row) in expected {
      #expect(platform.header(experiment: "WB-2026", withEntryTime: true, hasEmail: true) == header, "\(platform)")
      #expect(try platform.row(contact, arm: "whatsapp", withEntryTime: true, hasEmail: true).get() == row, "\(platform)")
    }
  }

  @Test func usersAPlatformCannotIdentifyAreSkippedWithAReason() {
    let bare = PlatformList.Contact(id: String(repeating: "x", count: 53), phone: "333 111 2233")
    func skip(_ platform: PlatformList) -> PlatformList.Skip? {
      if case .failure(let reason) = platform.row(bare, arm: "a", withEntryTime: false, hasEmail: false) { return reason.skip }
      return nil
    }
    #expect(skip(.klaviyo) == .noEmailOrPhone)
    #expect(skip(.sendapp) == .noValidPhone)
    #expect(skip(.iterable) == .idTooLong)
    #expect(skip(.braze) == nil)
  }

  @Test func cellsAreSafeInASpreadsheet() throws {
    let hostile = PlatformList.Contact(id: "=HYPERLINK(\"http://x\")", email: "@cmd")
    let row = try PlatformList.klaviyo.row(hostile, arm: "a", withEntryTime: false, hasEmail: true).get()
    #expect(row == "'@cmd,,a\n")
    let braze = try PlatformList.braze.row(hostile, arm: "a", withEntryTime: false, hasEmail: false).get()
    #expect(braze == "\"'=HYPERLINK(\"\"http://x\"\")\",a\n")
  }
}
