import Foundation
import Testing

/// Issue 10's limits on what the command line accepts: nesting, rates, sizes, tables, and the
/// options that take numbers. Each failure is one line on stderr and a usage error (exit 2)
/// when it can be known before any work, or a failed run (exit 1).
@Suite struct LimitsCommandTests {
    static let digits = FindCommandTests.digits

    /// Item 3: a formula nested past 200 levels was a crash (signal 11); now one line.
    @Test func deepFormulaIsAUsageError() throws {
        let run = try runLRFind(["schedule", "lambda:f=" + String(repeating: "-", count: 100_000) + "1", "--epochs", "2"])
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("lrfind: error: lambda: f: formula '----------------------------------------...' (100001 characters): at character 201: expected at most 200 levels of nesting"), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1)
        #expect(run.output.isEmpty)
    }
}
