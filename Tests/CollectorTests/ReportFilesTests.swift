#if canImport(Glibc)
  import Glibc
#endif
import TestSupport
import Testing

@testable import Collector

@Suite struct ReportFilesTests {
  @Test func servesTheFolderAndNothingOutsideIt() throws {
    let scratch = Scratch("holdout-report-files")
    mkdir(scratch.path + "/reports", 0o755)
    mkdir(scratch.path + "/reports/cart", 0o755)
    _ = scratch.write("reports/cart/report.html", "<html>r</html>")
    _ = scratch.write("reports/cart/index.html", "<html>index</html>")
    _ = scratch.write("reports/data.json", "{}")
    _ = scratch.write("secret.txt", "outside")
    symlink(scratch.path + "/secret.txt", scratch.path + "/reports/link.txt")
    symlink(scratch.path, scratch.path + "/reports/up")
    let files = try ReportFiles(folder: scratch.path + "/reports")
    let page = files.response(rest: "/cart/report.html")
    #expect(page.status == 200)
    #expect(String(decoding: page.body, as: UTF8.self) == "<html>r</html>")
    #expect(page.headers.values(named: "Content-Type") == ["text/html; charset=utf-8"])
    #expect(page.headers.values(named: "X-Content-Type-Options") == ["nosniff"])
    #expect(files.response(rest: "/cart/").body == Array("<html>index</html>".utf8))
    #expect(files.response(rest: "/data.json").headers.values(named: "Content-Type") == ["application/json"])
    for escape in ["/../secret.txt", "/%2e%2e/secret.txt", "/cart/..%2f..%2fsecret.txt", "/link.txt", "/up/secret.txt", "/missing.html", "/%zz", "/cart/%00x"] {
      #expect(files.response(rest: escape).status == 404, "\(escape)")
    }
  }
}
