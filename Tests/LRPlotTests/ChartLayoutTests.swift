import Foundation
import Testing
@testable import LRPlot

/// Whole-chart layouts with a fixed measure (0.6 of the font size a character): the legend
/// beside a range test's labels and over a training plot's lines, titles wrapped.
@Suite struct ChartLayoutTests {
    static func measure(_ text: String, _ size: Double, _ bold: Bool) -> Double { Double(text.count) * size * 0.6 }

    /// A range test like the bundled digits run's: flat at 2.3 from 1e-10 to 1e-4, falling to 0.8
    /// at 1e-2, then blowing up; the max and the divergence drawn at the top right.
    static func rangeTest() -> Chart {
        let rates = (0...100).map { pow(10, -10 + Double($0) / 10) }
        let losses = rates.map { lr in lr < 1e-4 ? 2.3 : lr <= 1e-2 ? 2.3 - 1.5 * (log10(lr) + 4) / 2 : 0.8 + 42 * (lr - 0.01) }
        var chart = Chart(title: "Range test: mnist5k, mlp, adamw", xAxis: Axis("learning rate", scale: .logarithmic),
                          yAxis: Axis("cross-entropy loss", range: 0.45...2.9))
        chart.subtitle = "199 of 235 steps, stopped: diverged"
        chart.bands.append(Band(.span(5e-4...5e-3), name: "recommended CLR range", color: Color.series(2)))
        chart.series.append(Series("raw loss", x: rates, y: losses, color: .ink))
        chart.series.append(Series("moving average (beta 0.98)", x: rates, y: losses, color: Color.series(3)))
        chart.series.append(Series("lag-free loss", x: rates, y: losses, color: Color.series(0)))
        chart.verticalLines.append(VerticalLine(x: 0.05, label: "diverges 0.05", color: Color.series(1)))
        chart.verticalLines.append(VerticalLine(x: 0.005, label: "max 0.005", color: Color.series(2)))
        return chart
    }

    @Test func theLegendLeavesTheMaxAndDivergesLabelsUncovered() {
        let layout = ChartLayout(chart: Self.rangeTest(), measure: Self.measure)
        #expect(layout.area == Rect(left: 78, top: 64, width: 794, height: 438))
        // x spans 10^-10.2...10^0.2 over 794: the lines at 757.4 and 681.1, labels on their right, both in the first row.
        let labels = layout.lineLabels.compactMap { $0 }
        #expect(labels.count == 2 && labels.allSatisfy { $0.origin.y == 78 })
        #expect(abs(labels[0].origin.x - (78 + 8.898970 / 10.4 * 794 + 4)) < 1e-4)
        // The legend (26 characters at 11: 171.6 + 46 wide, 4 rows: 76 high) would cover them top right.
        let topRight = LegendPlacement.insideFrame(.topRight, size: (217.6, 76), area: layout.area)
        #expect(labels.contains { $0.frame.overlapArea(with: topRight) > 0 })
        let legend = try! #require(layout.legend)
        #expect(legend.placement.position == .topLeft)
        #expect(abs(legend.placement.frame.width - 217.6) < 1e-9)
        #expect(legend.placement.frame.left == 86 && legend.placement.frame.top == 72 && legend.placement.frame.height == 76)
        #expect(legend.entries.map(\.name) == ["raw loss", "moving average (beta 0.98)", "lag-free loss", "recommended CLR range"])
    }

    @Test func aLegendWithNoRoomInsideGoesBelowInARow() {
        // A zigzag between 0 and 1 every 0.1 epoch crosses every place inside.
        let epochs = stride(from: 0.0, through: 10, by: 0.1).map { $0 }
        var chart = Chart(title: "Training", xAxis: Axis("epoch"), yAxis: Axis("loss"), secondaryAxis: Axis("validation R-squared"))
        chart.series.append(Series("train loss", x: epochs, y: epochs.indices.map { Double($0 % 2) }, color: Color.series(0)))
        chart.series.append(Series("validation loss", x: epochs, y: epochs.map { _ in 0.5 }, color: Color.series(1)))
        chart.series.append(Series("validation R-squared", x: epochs, y: epochs.map { $0 / 10 }, color: Color.series(2), side: .right))
        let layout = ChartLayout(chart: chart, measure: Self.measure)
        let legend = try! #require(layout.legend)
        // Entries 10, 15 and 20 characters: 66 + 46, 99 + 46 and 132 + 46 wide, side by side
        // (435 x 25); the plot 27 lower: 50 for the x axis, 25 for the legend, 10 of margin,
        // less the 58 it had.
        #expect(legend.placement.position == .outsideBelow)
        #expect(legend.columnWidths == [112, 145, 178])
        #expect(layout.area == Rect(left: 78, top: 46, width: 744, height: 429))
        #expect(legend.placement.frame == Rect(left: 232.5, top: 525, width: 435, height: 25))
        #expect(legend.cell(2) == Point(232.5 + 257, 529))
        // The mappings follow the smaller plot.
        #expect(layout.y.start == 475 && layout.secondary?.start == 475)
    }

    @Test func legendColumnsAreAsWideAsTheirWidestEntry() {
        #expect(ChartLayout.Legend.columnWidths([10, 40, 20, 30, 50], columns: 2) == [50, 40])
        #expect(ChartLayout.Legend.columnWidths([10, 40, 20], columns: 1) == [40])
    }

    @Test func aLongTitleWrapsAndPushesThePlotDown() {
        // 119 characters; 90.4 fit a line of 868 at 16 points (9.6 each): 9 words, then 3.
        let words = Array(repeating: "abcdefghi", count: 12)
        var chart = Chart(title: words.joined(separator: " "), xAxis: Axis("x"), yAxis: Axis("y"))
        chart.series.append(Series(nil, x: [0, 1], y: [0, 1], color: .ink))
        var layout = ChartLayout(chart: chart, measure: Self.measure)
        #expect(layout.title == FittedText(lines: [words[0..<9].joined(separator: " "), words[9...].joined(separator: " ")], size: 16))
        #expect(layout.titleBaselines == [26, 46])
        #expect(layout.area.top == 66)
        #expect(layout.legend == nil)
        chart.subtitle = "a note"
        layout = ChartLayout(chart: chart, measure: Self.measure)
        #expect(layout.subtitleBaselines == [66] && layout.area.top == 84)
    }

    @Test func aTitleOfThousandsOfCharactersKeepsAQuarterOfTheHeight() {
        // 131 characters a line at 11 points: 39 lines, 10 kept (140 of the 560 units at 13.75 a line).
        var chart = Chart(title: String(repeating: "x", count: 5000), xAxis: Axis("x"), yAxis: Axis("y"))
        chart.series.append(Series(nil, x: [0, 1], y: [0, 1], color: .ink))
        let layout = ChartLayout(chart: chart, measure: Self.measure)
        #expect(layout.title.size == 11 && layout.title.lines.count == 10 && layout.title.lines[9].hasSuffix("…"))
        let lastBaseline = 10 + 11 + 9 * 13.75
        #expect(layout.area.top == lastBaseline + 20)
    }

    @Test func aShortTitleKeepsTheUsualMargins() {
        var chart = Self.rangeTest()
        chart.subtitle = nil
        let layout = ChartLayout(chart: chart, measure: Self.measure)
        #expect(layout.title == FittedText(lines: ["Range test: mnist5k, mlp, adamw"], size: 16))
        #expect(layout.titleBaselines == [26] && layout.area.top == 46)
    }
}
