import Foundation
import Testing
@testable import LRPlot

/// Axis maths (exact values) and the renderer's bytes and errors (signatures, never pixels).
@Suite struct LayoutTests {
    @Test func linearRangeIsPaddedByFourPercent() {
        #expect(Layout.range(of: [0, 10, .nan], scale: .linear) == -0.4...10.4)
        #expect(Layout.range(of: [5], scale: .linear) == 4.5...5.5)
        #expect(Layout.range(of: [], scale: .linear) == 0...1)
        #expect(Layout.range(of: [1, 2], scale: .linear, fixed: 0...3) == 0...3)
    }

    @Test func logRangeIsPaddedInLogSpaceAndSkipsNonPositiveValues() {
        let range = Layout.range(of: [1e-4, 1, 0, -3, .infinity], scale: .logarithmic)
        #expect(abs(log10(range.lowerBound) - (-4.16)) < 1e-12)
        #expect(abs(log10(range.upperBound) - 0.16) < 1e-12)
        #expect(Layout.range(of: [-1, 0], scale: .logarithmic) == 1...10)
    }

    @Test func mappingPlacesDecadesEvenly() {
        let mapping = Layout.Mapping(range: 1e-4...1, scale: .logarithmic, start: 100, end: 500)
        #expect(mapping(1e-4) == 100)
        #expect(mapping(1e-2) == 300)
        #expect(mapping(1) == 500)
        #expect(mapping(0) == nil)
        #expect(mapping(.nan) == nil)
        let vertical = Layout.Mapping(range: 0...2, scale: .linear, start: 400, end: 0)
        #expect(vertical(0.5) == 300)
    }

    @Test func plotAreaLeavesRoomForASecondaryAxis() {
        let plain = Layout.plotArea(width: 900, height: 560, hasSubtitle: false, hasSecondaryAxis: false)
        let dual = Layout.plotArea(width: 900, height: 560, hasSubtitle: true, hasSecondaryAxis: true)
        #expect(plain.left == 78 && plain.right == 872 && plain.top == 46 && plain.bottom == 502)
        #expect(dual.right == 822 && dual.top == 64)
    }

    @Test func formatsComeFromTheExtension() throws {
        #expect(try ImageFormat(path: "a/b.PNG") == .png)
        #expect(try ImageFormat(path: "b.svg") == .svg)
        #expect(try ImageFormat(path: "b.pdf") == .pdf)
        #expect(throws: PlotError.unknownFormat(path: "b.jpg", extension: "jpg")) { try ImageFormat(path: "b.jpg") }
    }
}

@Suite struct RenderingTests {
    static func sampleChart() -> Chart {
        let lrs = (0..<100).map { 1e-5 * pow(10, Double($0) / 25) }
        let losses = lrs.map { 2.3 - 1.5 / (1 + pow(1e-3 / $0, 1.5)) + ($0 > 0.1 ? 10 * ($0 - 0.1) : 0) }
        var chart = Chart(title: "Range test", xAxis: Axis("learning rate", scale: .logarithmic), yAxis: Axis("loss"),
                          secondaryAxis: Axis("momentum"))
        chart.subtitle = "a note"
        chart.bands.append(Band(.span(1e-4...1e-3), name: "recommended", color: Color.series(2).withAlpha(0.2)))
        chart.bands.append(Band(.between(x: lrs, lower: losses.map { $0 - 0.1 }, upper: losses.map { $0 + 0.1 }), color: Color.series(0).withAlpha(0.2)))
        chart.series.append(Series("loss", x: lrs, y: losses, color: Color.series(0)))
        chart.series.append(Series("momentum", x: lrs, y: lrs.map { _ in 0.9 }, color: Color.series(1), side: .right))
        chart.markers.append(PointMarker(x: 1e-3, y: 1.55, label: "steepest", color: Color.series(3)))
        chart.verticalLines.append(VerticalLine(x: 0.3, label: "diverged", color: Color.series(1)))
        return chart
    }

    @Test func pngHasItsSignatureAndSize() throws {
        let data = try Self.sampleChart().rendered(as: .png)
        #expect(data.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: data[12..<16], as: UTF8.self) == "IHDR")
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 900 && height == 560)
        #expect(data.count > 20_000)
        // The PNG ends with its IEND chunk: Cairo's stream was complete.
        #expect(String(decoding: data[(data.count - 8)..<(data.count - 4)], as: UTF8.self) == "IEND")
    }

    @Test func svgAndPdfAreVectorDocuments() throws {
        let svg = String(decoding: try Self.sampleChart().rendered(as: .svg), as: UTF8.self)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.contains("width=\"900\""))
        #expect(svg.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</svg>"))
        let pdf = try Self.sampleChart().rendered(as: .pdf)
        #expect(Array(pdf.prefix(5)) == Array("%PDF-".utf8) && pdf.count > 2_000)
        #expect(String(decoding: pdf.suffix(7), as: UTF8.self).contains("%%EOF"))
    }

    @Test func renderingTwiceGivesTheSamePixels() throws {
        let chart = Self.sampleChart()
        #expect(try chart.rendered(as: .png) == chart.rendered(as: .png))
    }

    @Test func unknownFormatsAreClearErrors() throws {
        #expect(throws: PlotError.unknownFormat(path: "/tmp/c.gif", extension: "gif")) { try ImageFormat(path: "/tmp/c.gif") }
        #expect(PlotError.unknownFormat(path: "c", extension: "").description == "c: unknown image format '(no extension)'; use .png, .svg or .pdf")
    }
}
