import Foundation

/// Where every part of a ``Chart`` goes, worked out before anything is drawn: the title and
/// subtitle fitted to the width, the plot area, the axis mappings, the boxes of the labels, and
/// the legend where it hides nothing. Pure: the renderer passes its text measure.
public struct ChartLayout {
    /// The width of `text` at font `size`, in bold when `bold` is true.
    public typealias Measure = (_ text: String, _ size: Double, _ bold: Bool) -> Double

    /// A piece of text: where its line starts (left end of the baseline) and the box its white
    /// halo covers.
    public struct Label: Equatable, Sendable {
        /// The text.
        public var text: String
        /// Left end of the baseline.
        public var origin: Point
        /// The halo's box: the text and 2 units around it sideways.
        public var frame: Rect
    }

    /// The legend's rows and box.
    public struct Legend: Equatable, Sendable {
        /// One row: a series' or band's name.
        public struct Entry: Equatable, Sendable {
            /// The name.
            public var name: String
            /// The series's colour.
            public var color: Color
            /// The series's line width (10 for a band).
            public var width: Double
            /// The series's dash pattern.
            public var dash: [Double]
            /// A band (drawn as a filled swatch).
            public var filled: Bool
        }
        /// The entries, series first, then bands.
        public var entries: [Entry]
        /// Width of each column: one inside or right of the plot, as many as fit below it.
        public var columnWidths: [Double]
        /// Where it goes.
        public var placement: LegendPlacement

        /// The top-left corner of entry `index`'s cell (entries fill the rows left to right).
        public func cell(_ index: Int) -> Point {
            let column = index % columnWidths.count
            return Point(placement.frame.left + columnWidths[..<column].reduce(0, +),
                         placement.frame.top + 4 + Double(index / columnWidths.count) * ChartLayout.legendRowHeight)
        }

        /// The widths of `columns` columns of entries `widths` (filling rows left to right): the widest of each.
        public static func columnWidths(_ widths: [Double], columns: Int) -> [Double] {
            (0..<columns).map { column in stride(from: column, to: widths.count, by: columns).map { widths[$0] }.max() ?? 0 }
        }
    }

    /// Title font size; it shrinks to ``minimumTitleSize`` before taking a third line.
    public static let titleSize = 16.0
    /// Smallest title font size.
    public static let minimumTitleSize = 11.0
    /// Subtitle font size.
    public static let subtitleSize = 11.5
    /// Smallest subtitle font size.
    public static let minimumSubtitleSize = 9.0
    /// Lines the title and the subtitle each take before shrinking.
    public static let maxHeaderLines = 2
    /// Font size of tick, marker, line and legend labels.
    public static let labelSize = 11.0
    /// Height of a legend row.
    public static let legendRowHeight = 17.0
    /// Room from the plot's bottom edge to an outside-below legend: tick labels and the x axis's title.
    public static let gapBelow = 50.0

    /// The title's lines and size, and the baseline of each line (centred on the chart).
    public var title: FittedText
    /// Baselines of the title's lines.
    public var titleBaselines: [Double]
    /// The subtitle's lines and size, if there is one.
    public var subtitle: FittedText?
    /// Baselines of the subtitle's lines.
    public var subtitleBaselines: [Double]
    /// The plot area (the frame of the axes).
    public var area: Rect
    /// The x axis's mapping onto the area.
    public var x: Layout.Mapping
    /// The left axis's mapping.
    public var y: Layout.Mapping
    /// The right axis's mapping, for a chart with a secondary axis.
    public var secondary: Layout.Mapping?
    /// The label of each vertical line (nil: empty label, or a line outside the range).
    public var lineLabels: [Label?]
    /// The label of each marker (nil: a point the axes cannot show).
    public var markerLabels: [Label?]
    /// The legend; nil when hidden or nothing is named (or for a heat map).
    public var legend: Legend?

    /// The layout of `chart`, measuring text with `measure`.
    public init(chart: Chart, measure: Measure) {
        // Header: the title (bold) and the subtitle, each wrapped or shrunk to the chart's width.
        let textWidth = chart.width - 32
        // A title of thousands of characters keeps a quarter of the height, a subtitle 4 lines.
        var title = TextFitting.fit(chart.title, width: textWidth, size: Self.titleSize, minimumSize: Self.minimumTitleSize,
                                    maxLines: Self.maxHeaderLines) { measure($0, $1, true) }
        title.lines = TextFitting.limited(title.lines, to: Int(chart.height / 4 / (title.size * 1.25)), width: textWidth) { [size = title.size] in
            measure($0, size, true)
        }
        let titleBaselines = title.lines.indices.map { 10 + title.size + Double($0) * title.size * 1.25 }
        let subtitle = chart.subtitle.map { text -> FittedText in
            var fitted = TextFitting.fit(text, width: textWidth, size: Self.subtitleSize, minimumSize: Self.minimumSubtitleSize,
                                         maxLines: Self.maxHeaderLines) { measure($0, $1, false) }
            fitted.lines = TextFitting.limited(fitted.lines, to: 4, width: textWidth) { [size = fitted.size] in measure($0, size, false) }
            return fitted
        }
        let titleEnd = titleBaselines.last ?? 26
        let subtitleBaselines = subtitle.map { subtitle in
            subtitle.lines.indices.map { titleEnd + 8.5 + subtitle.size + Double($0) * subtitle.size * 1.3 }
        } ?? []
        (self.title, self.titleBaselines, self.subtitle, self.subtitleBaselines) = (title, titleBaselines, subtitle, subtitleBaselines)
        let top = subtitleBaselines.last.map { $0 + 18 } ?? titleEnd + 20
        let edges = Layout.plotArea(width: chart.width, height: chart.height, top: top, hasSecondaryAxis: chart.secondaryAxis != nil)
        area = Rect(left: edges.left, top: edges.top, width: edges.right - edges.left, height: edges.bottom - edges.top)
        (x, y, secondary) = Self.mappings(chart, area: area)
        (lineLabels, markerLabels) = Self.labels(chart, area: area, x: x, y: y, measure: measure)
        legend = nil

        // The legend, where it hides no line and no label; an outside one shrinks the plot.
        let entries = chart.series.compactMap { s in
            s.name.map { Legend.Entry(name: $0, color: s.color, width: s.width, dash: s.dash, filled: false) }
        } + chart.bands.compactMap { b in b.name.map { Legend.Entry(name: $0, color: b.color, width: 10, dash: [], filled: true) } }
        guard chart.showsLegend, chart.heatMap == nil, !entries.isEmpty else { return }
        // A column of entries; below the plot, as many side by side as fit. An entry: 8 of
        // margin, a 26-wide sample, 6 of gap, its name, 6 of margin.
        let widths = entries.map { measure($0.name, Self.labelSize, false) + 46 }
        let size = (width: widths.max() ?? 0, height: Double(entries.count) * Self.legendRowHeight + 8)
        let columnsBelow = (1...entries.count).last { Legend.columnWidths(widths, columns: $0).reduce(0, +) <= area.width } ?? 1
        let widthsBelow = Legend.columnWidths(widths, columns: columnsBelow)
        let rowsBelow = (entries.count + columnsBelow - 1) / columnsBelow
        let sizeBelow = (width: widthsBelow.reduce(0, +), height: Double(rowsBelow) * Self.legendRowHeight + 8)
        let labelBoxes = (lineLabels + markerLabels).compactMap { $0?.frame } + markerDots(chart)
        let placement = LegendPlacement.choose(size: size, area: area, canvas: Rect(left: 0, top: 0, width: chart.width, height: chart.height),
                                               polylines: polylines(chart), labels: labelBoxes,
                                               gapRight: chart.secondaryAxis != nil ? 78 : 12, gapBelow: Self.gapBelow, sizeBelow: sizeBelow)
        legend = Legend(entries: entries, columnWidths: placement.position == .outsideBelow ? widthsBelow : [size.width], placement: placement)
        if placement.area != area {
            area = placement.area
            (x, y, secondary) = Self.mappings(chart, area: area)
            (lineLabels, markerLabels) = Self.labels(chart, area: area, x: x, y: y, measure: measure)
        }
    }

    /// The axis mappings of `chart` onto `area`: the x range fits the series, markers, lines and
    /// bands (2 % padding); the left axis the left series, markers and between-bands; the right
    /// axis the right series.
    static func mappings(_ chart: Chart, area: Rect) -> (x: Layout.Mapping, y: Layout.Mapping, secondary: Layout.Mapping?) {
        var xs = chart.series.flatMap(\.x) + chart.markers.map(\.x) + chart.verticalLines.map(\.x)
        var ys = chart.series.filter { $0.side == .left }.flatMap(\.y) + chart.markers.map(\.y)
        for band in chart.bands {
            switch band.shape {
            case let .span(range): xs += [range.lowerBound, range.upperBound]
            case let .between(bx, lower, upper): xs += bx; ys += lower + upper
            }
        }
        let x = Layout.Mapping(range: Layout.range(of: xs, scale: chart.xAxis.scale, fixed: chart.xAxis.range, padding: 0.02),
                               scale: chart.xAxis.scale, start: area.left, end: area.right)
        let y = Layout.Mapping(range: Layout.range(of: ys, scale: chart.yAxis.scale, fixed: chart.yAxis.range),
                               scale: chart.yAxis.scale, start: area.bottom, end: area.top)
        let secondary = chart.secondaryAxis.map { axis in
            Layout.Mapping(range: Layout.range(of: chart.series.filter { $0.side == .right }.flatMap(\.y), scale: axis.scale, fixed: axis.range),
                           scale: axis.scale, start: area.bottom, end: area.top)
        }
        return (x, y, secondary)
    }

    /// The labels of the vertical lines and the markers.
    ///
    /// A line's label sits at the top of the plot, right of the line unless that runs out of
    /// the plot, in the first row (14 units apart) where it overlaps no label placed before. A
    /// marker's label goes right of its dot (left when that runs out of the plot), above it
    /// (below near the top edge), and moves down past any label it would overlap.
    static func labels(_ chart: Chart, area: Rect, x: Layout.Mapping, y: Layout.Mapping, measure: Measure) -> (lines: [Label?], markers: [Label?]) {
        let size = labelSize
        func label(_ text: String, left: Double, baseline: Double, width: Double) -> Label {
            Label(text: text, origin: Point(left, baseline), frame: Rect(left: left - 2, top: baseline - 11, width: width + 4, height: 14))
        }
        var placed: [Rect] = []
        let lines: [Label?] = chart.verticalLines.map { vertical in
            guard !vertical.label.isEmpty, let px = x(vertical.x), px >= area.left, px <= area.right else { return nil }
            let width = measure(vertical.label, size, false)
            let left = px + 4 + width > area.right ? px - 4 - width : px + 4
            var row = 0
            var candidate = label(vertical.label, left: left, baseline: area.top + 14, width: width)
            while placed.contains(where: { $0.overlapArea(with: candidate.frame) > 0 }) {
                row += 1
                candidate = label(vertical.label, left: left, baseline: area.top + 14 + Double(row) * 14, width: width)
            }
            placed.append(candidate.frame)
            return candidate
        }
        let markers: [Label?] = chart.markers.map { marker in
            guard let px = x(marker.x), let py = y(marker.y) else { return nil }
            let width = measure(marker.label, size, false)
            let left = Swift.max(area.left + 2, px + 9 + width <= area.right ? px + 9 : px - 9 - width)
            var baseline = py - 8 < area.top + 12 ? py + 18 : py - 8
            var candidate = label(marker.label, left: left, baseline: baseline, width: width)
            while placed.contains(where: { $0.overlapArea(with: candidate.frame) > 0 }) && baseline < area.bottom - 4 {
                baseline += 15
                candidate = label(marker.label, left: left, baseline: baseline, width: width)
            }
            candidate = label(marker.label, left: left, baseline: Swift.min(baseline, area.bottom - 4), width: width)
            placed.append(candidate.frame)
            return candidate
        }
        return (lines, markers)
    }

    /// The boxes of the marker dots (radius 5.5).
    func markerDots(_ chart: Chart) -> [Rect] {
        chart.markers.compactMap { marker in
            guard let px = x(marker.x), let py = y(marker.y) else { return nil }
            return Rect(left: px - 6, top: py - 6, width: 12, height: 12)
        }
    }

    /// The lines drawn in the plot, in device coordinates: each series (split where a point
    /// cannot be shown), each vertical line inside the x range, and the edges of between-bands.
    func polylines(_ chart: Chart) -> [[Point]] {
        var result: [[Point]] = []
        func add(_ xs: [Double], _ ys: [Double], _ mapY: Layout.Mapping) {
            var run: [Point] = []
            for i in xs.indices {
                if let px = x(xs[i]), let py = mapY(ys[i]) { run.append(Point(px, py)) } else if !run.isEmpty { result.append(run); run = [] }
            }
            if !run.isEmpty { result.append(run) }
        }
        for series in chart.series { add(series.x, series.y, series.side == .right ? (secondary ?? y) : y) }
        for band in chart.bands {
            if case let .between(bx, lower, upper) = band.shape {
                add(bx, lower, y)
                add(bx, upper, y)
            }
        }
        for vertical in chart.verticalLines {
            if let px = x(vertical.x), px >= area.left, px <= area.right { result.append([Point(px, area.top), Point(px, area.bottom)]) }
        }
        return result
    }
}
