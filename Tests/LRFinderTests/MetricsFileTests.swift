import Foundation
import Testing
@testable import LRFinder

@Suite struct MetricsFileTests {
    let directory = temporaryDirectory()

    @Test(arguments: [false, true])
    func oneNumberPerLine(gzip: Bool) throws {
        let text = "# validation loss per epoch\n0.5\n\n  0.4 \r\n   # a note\n1e-1\n-2"
        let path = writeFile(text, named: "metrics.txt" + (gzip ? ".gz" : ""), in: directory, gzip: gzip)
        #expect(try MetricsFile.read(path: path) == [0.5, 0.4, 0.1, -2])
    }

    @Test func anEmptyFileHoldsNoValues() throws {
        #expect(try MetricsFile.read(path: writeFile("", named: "empty.txt", in: directory)).isEmpty)
        #expect(try MetricsFile.read(path: writeFile("# only\n\n", named: "comments.txt", in: directory)).isEmpty)
    }

    @Test(arguments: [
        ("0.5\nabc\n", ":2: not a number: 'abc'"),
        ("# x\n\n1e999\n", ":3: value out of range for a 64-bit float: '1e999'"),
        ("0.5\nnan\n", ":2: not a number: 'nan'"),
        ("0.5,0.4\n", ":1: not a number: '0.5,0.4'"),
    ])
    func errors(text: String, expected: String) {
        let path = writeFile(text, named: "bad.txt", in: directory)
        do {
            let values = try MetricsFile.read(path: path)
            Issue.record("no error, read \(values)")
        } catch {
            #expect("\(error)" == path + expected)
        }
    }

    @Test func missingFile() {
        #expect(throws: DataError(file: "/nonexistent/metrics.txt", message: "no such file")) {
            try MetricsFile.read(path: "/nonexistent/metrics.txt")
        }
    }
}
