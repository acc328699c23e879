import Ingest
import Testing

/// `HugePages`: which pages of an allocation are advised, and that the arrays hold what was asked.
@Suite struct HugePagesTests {
  let page = HugePages.size

  @Test func onlyWholeAlignedPagesInsideTheAllocationAreAdvised() {
    // Starts mid-page: the advised range starts at the next page and ends at the last whole one.
    #expect(HugePages.alignedRange(start: 10 * page + 4096, count: 5 * page) == (11 * page)..<(15 * page))
    // Aligned at both ends: all of it.
    #expect(HugePages.alignedRange(start: 4 * page, count: 3 * page) == (4 * page)..<(7 * page))
    // Two pages' worth that straddles boundaries holds one whole page.
    #expect(HugePages.alignedRange(start: 4 * page + 1, count: 2 * page) == (5 * page)..<(6 * page))
    // Under two pages, or no address: nothing.
    #expect(HugePages.alignedRange(start: 4 * page, count: 2 * page - 1) == nil)
    #expect(HugePages.alignedRange(start: 0, count: 8 * page) == nil)
  }

  @Test func arraysHoldTheirValuesWhateverTheirSize() {
    for count in [0, 1, 1000, 3 * page / 8 + 5] {
      let words = HugePages.array(repeating: UInt64(0xA5A5), count: count)
      #expect(words.count == count)
      #expect(words.allSatisfy { $0 == 0xA5A5 })
    }
  }
}
