import Foundation
import Testing

/// One range test has two divergences: the run stops when its causal moving average passes the
/// divergence rule, and the lag-free curve passes the same rule earlier. The output names them
/// apart (issue 23: "diverged at step 86, lr 0.2783" beside "divergence 0.02783").
@Suite struct DivergenceWordingTests {
    @Test func theRunsStopAndTheCurvesBlowUpAreNamedApart() throws {
        let run = try runLRFind(["find", "--data", Fixtures.wine, "--no-plot"], in: scratchDirectory())
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        let stop = try #require(lines.first { $0.hasPrefix("run 1 (seed 0): stopped: diverged at step ") }, "\(run.output)")
        #expect(stop.contains(", lr ") && stop.contains(" (the moving-average loss passed 4x its best); "), "\(stop)")
        let blowUp = try #require(lines.first { $0.hasPrefix("  loss blows up ") }, "\(run.output)")
        #expect(blowUp.hasSuffix("loss 4x its minimum (earlier than the run's stop: no lag)"), "\(blowUp)")
        #expect(!lines.contains { $0.hasPrefix("  divergence ") }, "\(run.output)")
        // The blow-up's rate lies below the rate the run stopped at.
        let stopRate = try #require(Double(stop.components(separatedBy: ", lr ")[1].split(separator: " ")[0]))
        let blowUpRate = try #require(Double(blowUp.split(separator: " ", omittingEmptySubsequences: true)[3]))
        #expect(blowUpRate < stopRate)
    }
}
