import Testing
@testable import LRPlot

@Suite struct TicksTests {
    @Test func niceSteps() {
        #expect(Ticks.niceStep(0.13) == 0.2)
        #expect(Ticks.niceStep(2.2) == 2.5)
        #expect(Ticks.niceStep(3) == 5)
        #expect(Ticks.niceStep(7) == 10)
        #expect(Ticks.niceStep(100) == 100)
    }

    @Test func linearTicks() {
        let ticks = Ticks.linear(0, 2.3, target: 6)
        #expect(ticks.map(\.value) == [0, 0.5, 1, 1.5, 2])
        #expect(ticks.map(\.label) == ["0", "0.5", "1.0", "1.5", "2.0"])
        let negative = Ticks.linear(-1.2, 0.7, target: 5)
        #expect(negative.map(\.value) == [-1, -0.5, 0, 0.5])
        let quarter = Ticks.linear(0, 1, target: 5)
        #expect(quarter.map(\.label) == ["0", "0.25", "0.50", "0.75", "1.00"])
    }

    @Test func labelsOfOneAxisShareAStyle() {
        // A million batch steps: SI prefixes throughout, not `800000` next to `1e+06`.
        #expect(Ticks.linear(0, 1e6, target: 6).map(\.label) == ["0", "200k", "400k", "600k", "800k", "1M"])
        #expect(Ticks.linear(0, 1.3e6, target: 7).map(\.label) == ["0", "250k", "500k", "750k", "1M", "1.25M"])
        // Small rates: exponent form throughout, not `5e-05` next to `0.0001`.
        #expect(Ticks.linear(0, 2e-4, target: 5).map(\.label) == ["0", "5e-5", "1e-4", "1.5e-4", "2e-4"])
        // In between: decimals as the step needs.
        #expect(Ticks.linear(0, 0.00121, target: 7).map(\.label) == ["0", "0.00025", "0.00050", "0.00075", "0.00100"])
        #expect(Ticks.linear(0, 40000, target: 5).map(\.label) == ["0", "10000", "20000", "30000", "40000"])
    }

    @Test func logarithmicTicks() {
        let ticks = Ticks.logarithmic(1e-4, 1)
        #expect(ticks.filter { $0.label != nil }.map(\.label!) == ["1e-4", "1e-3", "1e-2", "1e-1", "1"])
        #expect(ticks.count == 5 + 4 * 8)
        #expect(ticks.contains { abs($0.value - 3e-3) < 1e-15 && $0.label == nil })
        // Eleven decades: every third decade labelled; eight: every second.
        let wide = Ticks.logarithmic(1e-10, 10).filter { $0.label != nil }.map(\.label!)
        #expect(wide == ["1e-9", "1e-6", "1e-3", "1"])
        let eight = Ticks.logarithmic(1e-7, 10).filter { $0.label != nil }.map(\.label!)
        #expect(eight == ["1e-6", "1e-4", "1e-2", "1"])
        // Narrower than a decade: 1-2-5 labels.
        let narrow = Ticks.logarithmic(0.15, 0.6)
        #expect(narrow.filter { $0.label != nil }.map(\.value) == [0.2, 0.5])
    }

    @Test func decadeLabels() {
        #expect(Ticks.decadeLabel(-4) == "1e-4")
        #expect(Ticks.decadeLabel(0) == "1")
        #expect(Ticks.decadeLabel(3) == "1e+3")
    }
}
