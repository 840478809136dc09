import Foundation
import Testing
@testable import LRPlot

@Suite struct HeatMapTests {
    static func sample() -> HeatMap {
        HeatMap(rowLabels: ["a", "b", "c"], columnLabels: ["a", "b", "c"],
                shades: [[0.75, 0.25, 0], [0, 1, 0], [0.5, 0, 0.5]], text: [["3", "1", "0"], ["0", "4", "0"], ["2", "0", "2"]],
                color: Color(red: 0, green: 0.5, blue: 1))
    }

    @Test func cellsAreSquareAndCentred() {
        // 3 x 3 cells in 600 x 300: the height limits them to 100; 150 left over on each side.
        let grid = Self.sample().cells(in: (left: 100, right: 700, top: 50, bottom: 350))
        #expect(grid.side == 100 && grid.left == 250 && grid.top == 50)
        var wide = Self.sample()
        wide.columnLabels = ["a", "b", "c", "d", "e", "f"]
        wide.shades = wide.shades.map { $0 + [0, 0, 0] }
        wide.text = wide.text.map { $0 + ["", "", ""] }
        // 6 columns in 600: 100 wide; 3 rows of 100 in 300.
        let wideGrid = wide.cells(in: (left: 100, right: 700, top: 50, bottom: 350))
        #expect(wideGrid.side == 100 && wideGrid.left == 100 && wideGrid.top == 50)
    }

    @Test func shadesBlendFromWhiteToTheColour() {
        let map = Self.sample()
        #expect(map.fill(0) == Color(red: 1, green: 1, blue: 1))
        #expect(map.fill(1) == Color(red: 0, green: 0.5, blue: 1))
        #expect(map.fill(0.5) == Color(red: 0.5, green: 0.75, blue: 1))
        #expect(map.fill(2) == map.fill(1) && map.fill(-1) == map.fill(0) && map.fill(.nan) == map.fill(0))
    }

    @Test func heatMapChartsRenderInEveryFormat() throws {
        var chart = Chart(title: "Confusion", xAxis: Axis("predicted"), yAxis: Axis("true"))
        chart.heatMap = Self.sample()
        chart.width = 500
        chart.height = 400
        let png = try chart.rendered(as: .png)
        #expect(png.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 500 && height == 400)
        // The cells are drawn: not the empty chart's pixels.
        var empty = chart
        empty.heatMap = nil
        #expect(try empty.rendered(as: .png) != png)
        #expect(try chart.rendered(as: .png) == png)
        let svg = String(decoding: try chart.rendered(as: .svg), as: UTF8.self)
        #expect(svg.contains("<svg") && svg.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</svg>"))
        let pdf = try chart.rendered(as: .pdf)
        #expect(Array(pdf.prefix(5)) == Array("%PDF-".utf8))
    }

    @Test func manyClassesStillRender() throws {
        let count = 60
        let labels = (0..<count).map(String.init)
        var chart = Chart(title: "Confusion", xAxis: Axis("predicted"), yAxis: Axis("true"))
        chart.heatMap = HeatMap(rowLabels: labels, columnLabels: labels,
                                shades: (0..<count).map { r in (0..<count).map { $0 == r ? 1 : 0 } },
                                text: (0..<count).map { _ in (0..<count).map { _ in "1234" } })
        #expect(try chart.rendered(as: .png).count > 1000)
    }
}
