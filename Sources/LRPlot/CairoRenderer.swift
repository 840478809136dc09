import CCairo
import Foundation

/// The file formats a chart is drawn in, chosen by the file's extension.
public enum ImageFormat: String, CaseIterable, Sendable {
    /// A PNG image (pixels).
    case png
    /// An SVG drawing (vector).
    case svg
    /// A PDF page (vector).
    case pdf

    /// The format of `path`'s extension (case-insensitive).
    /// - Throws: `PlotError.unknownFormat` for any other extension.
    public init(path: String) throws {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard let format = ImageFormat(rawValue: ext) else { throw PlotError.unknownFormat(path: path, extension: ext) }
        self = format
    }
}

/// Why a chart could not be drawn.
public enum PlotError: Error, Equatable, CustomStringConvertible {
    /// The file's extension names no supported format.
    case unknownFormat(path: String, extension: String)
    /// Cairo could not draw it (its status, e.g. `out of memory`).
    case cannotRender(format: ImageFormat, reason: String)

    /// One line naming the file or format and the problem.
    public var description: String {
        switch self {
        case let .unknownFormat(path, ext):
            return "\(path): unknown image format '\(ext.isEmpty ? "(no extension)" : "." + ext)'; use .png, .svg or .pdf"
        case let .cannotRender(format, reason):
            return "cannot draw the chart as \(format.rawValue.uppercased()): \(reason)"
        }
    }
}

extension Chart {
    /// The chart drawn in `format`, in memory: a PNG image, or an SVG or PDF document. Writing
    /// it to a file is the caller's (the command writes it atomically).
    /// - Throws: `PlotError.cannotRender` with Cairo's reason.
    public func rendered(as format: ImageFormat) throws -> [UInt8] {
        let sink = ByteSink()
        try withExtendedLifetime(sink) {
            // Cairo calls `appendToSink` with this pointer until the surface is finished.
            let closure = Unmanaged.passUnretained(sink).toOpaque()
            let surface: OpaquePointer
            switch format {
            case .png: surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width.rounded()), Int32(height.rounded()))
            case .svg: surface = cairo_svg_surface_create_for_stream(appendToSink, closure, width, height)
            case .pdf: surface = cairo_pdf_surface_create_for_stream(appendToSink, closure, width, height)
            }
            defer { cairo_surface_destroy(surface) }
            func check(_ status: cairo_status_t) throws {
                guard status == CAIRO_STATUS_SUCCESS else {
                    throw PlotError.cannotRender(format: format, reason: String(cString: cairo_status_to_string(status)))
                }
            }
            try check(cairo_surface_status(surface))
            let context = cairo_create(surface)!
            CairoPainter(chart: self, context: context).paint()
            let drawn = cairo_status(context)
            cairo_destroy(context)
            try check(drawn)
            if format == .png {
                try check(cairo_surface_write_to_png_stream(surface, appendToSink, closure))
            } else {
                cairo_surface_finish(surface)
                try check(cairo_surface_status(surface))
            }
        }
        return sink.bytes
    }
}

/// The bytes Cairo writes to a stream.
private final class ByteSink {
    var bytes: [UInt8] = []
}

/// Cairo's `cairo_write_func_t`: appends `length` bytes to the `ByteSink` that `closure` points to.
private func appendToSink(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    if let data, length > 0 { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length))) }
    return CAIRO_STATUS_SUCCESS
}

/// Draws one chart on a Cairo context, back to front: background, title, bands, grid and axes,
/// series, vertical lines, markers, legend; where each goes is its ``ChartLayout``'s.
private struct CairoPainter {
    let chart: Chart
    let context: OpaquePointer
    let layout: ChartLayout
    let area: (left: Double, right: Double, top: Double, bottom: Double)
    let x: Layout.Mapping
    let y: Layout.Mapping
    let secondary: Layout.Mapping?

    init(chart: Chart, context: OpaquePointer) {
        self.chart = chart
        self.context = context
        layout = ChartLayout(chart: chart) { text, size, bold in
            cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(context, size)
            var extents = cairo_text_extents_t()
            cairo_text_extents(context, text, &extents)
            return extents.x_advance
        }
        area = (left: layout.area.left, right: layout.area.right, top: layout.area.top, bottom: layout.area.bottom)
        x = layout.x
        y = layout.y
        secondary = layout.secondary
    }

    func paint() {
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        drawTitle()
        if let heatMap = chart.heatMap {
            drawHeatMap(heatMap)
            return
        }
        clipToPlot { drawBands() }
        drawAxes()
        clipToPlot {
            for series in chart.series { drawSeries(series) }
            drawVerticalLines()
        }
        drawMarkers()
        drawLegend()
    }

    // MARK: Pieces

    /// The title's lines (bold) and the subtitle's, centred, at the layout's sizes and baselines.
    private func drawTitle() {
        setColor(.ink)
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        for (line, baseline) in zip(layout.title.lines, layout.titleBaselines) {
            text(line, at: (chart.width / 2, baseline), size: layout.title.size, align: .center)
        }
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        if let subtitle = layout.subtitle {
            setColor(Color.ink.withAlpha(0.75))
            for (line, baseline) in zip(subtitle.lines, layout.subtitleBaselines) {
                text(line, at: (chart.width / 2, baseline), size: subtitle.size, align: .center)
            }
        }
    }

    private func drawBands() {
        for band in chart.bands {
            setColor(band.color)
            switch band.shape {
            case let .span(range):
                guard let a = x(range.lowerBound), let b = x(range.upperBound) else { continue }
                cairo_rectangle(context, min(a, b), area.top, abs(b - a), area.bottom - area.top)
                cairo_fill(context)
            case let .between(bx, lower, upper):
                // One polygon per run of points where x, lower and upper are all drawable.
                var run: [(Double, Double, Double)] = []
                func flush() {
                    defer { run.removeAll() }
                    guard run.count >= 2 else { return }
                    cairo_move_to(context, run[0].0, run[0].2)
                    for point in run.dropFirst() { cairo_line_to(context, point.0, point.2) }
                    for point in run.reversed() { cairo_line_to(context, point.0, point.1) }
                    cairo_close_path(context)
                    cairo_fill(context)
                }
                for i in bx.indices {
                    if let px = x(bx[i]), let low = y(lower[i]), let high = y(upper[i]) { run.append((px, low, high)) } else { flush() }
                }
                flush()
            }
        }
    }

    private func drawAxes() {
        let xTicks = Layout.ticks(x.range, scale: x.scale, target: 7)
        let yTicks = Layout.ticks(y.range, scale: y.scale, target: 6)
        // Grid at labelled ticks.
        cairo_set_line_width(context, 1)
        setColor(.grid)
        for tick in xTicks where tick.label != nil { if let px = x(tick.value) { line((px, area.top), (px, area.bottom)) } }
        for tick in yTicks where tick.label != nil { if let py = y(tick.value) { line((area.left, py), (area.right, py)) } }
        // Frame.
        setColor(.ink)
        cairo_set_line_width(context, 1.2)
        cairo_rectangle(context, area.left, area.top, area.right - area.left, area.bottom - area.top)
        cairo_stroke(context)
        cairo_set_line_width(context, 1)
        for tick in xTicks {
            guard let px = x(tick.value) else { continue }
            line((px, area.bottom), (px, area.bottom + (tick.label == nil ? 3 : 6)))
            if let label = tick.label { text(label, at: (px, area.bottom + 20), size: 11, align: .center) }
        }
        for tick in yTicks {
            guard let py = y(tick.value) else { continue }
            line((area.left - (tick.label == nil ? 3 : 6), py), (area.left, py))
            if let label = tick.label { text(label, at: (area.left - 9, py + 4), size: 11, align: .right) }
        }
        text(chart.xAxis.label, at: ((area.left + area.right) / 2, area.bottom + 42), size: 12.5, align: .center)
        verticalText(chart.yAxis.label, at: (20, (area.top + area.bottom) / 2), size: 12.5)
        if let secondary, let axis = chart.secondaryAxis {
            for tick in Layout.ticks(secondary.range, scale: secondary.scale, target: 6) {
                guard let py = secondary(tick.value) else { continue }
                line((area.right, py), (area.right + (tick.label == nil ? 3 : 6), py))
                if let label = tick.label { text(label, at: (area.right + 9, py + 4), size: 11, align: .left) }
            }
            verticalText(axis.label, at: (area.right + 64, (area.top + area.bottom) / 2), size: 12.5)
        }
    }

    private func drawSeries(_ series: Series) {
        let mapY = series.side == .right ? (secondary ?? y) : y
        setColor(series.color)
        cairo_set_line_width(context, series.width)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        setDash(series.dash)
        var drawing = false
        for i in series.x.indices {
            guard let px = x(series.x[i]), let py = mapY(series.y[i]) else { drawing = false; continue }
            if drawing { cairo_line_to(context, px, py) } else { cairo_move_to(context, px, py); drawing = true }
        }
        cairo_stroke(context)
        setDash([])
        if series.showsPoints {
            for i in series.x.indices {
                guard let px = x(series.x[i]), let py = mapY(series.y[i]) else { continue }
                cairo_arc(context, px, py, series.width + 1, 0, 2 * Double.pi)
                cairo_fill(context)
            }
        }
    }

    private func drawVerticalLines() {
        for vertical in chart.verticalLines {
            guard let px = x(vertical.x) else { continue }
            setColor(vertical.color)
            cairo_set_line_width(context, 1.5)
            setDash(vertical.dash)
            line((px, area.top), (px, area.bottom))
            setDash([])
        }
    }

    /// Dots, then the labels of the markers and of the vertical lines where the layout put them,
    /// each on a white halo that keeps it readable over the lines.
    private func drawMarkers() {
        for marker in chart.markers {
            guard let px = x(marker.x), let py = y(marker.y) else { continue }
            setColor(.ink)
            cairo_arc(context, px, py, 5.5, 0, 2 * Double.pi)
            cairo_fill(context)
            setColor(marker.color)
            cairo_arc(context, px, py, 4.2, 0, 2 * Double.pi)
            cairo_fill(context)
        }
        let lineLabels = zip(chart.verticalLines, layout.lineLabels).compactMap { vertical, label in label.map { ($0, vertical.color) } }
        let markerLabels = layout.markerLabels.compactMap { $0.map { ($0, Color.ink) } }
        for (label, color) in lineLabels + markerLabels {
            cairo_set_source_rgba(context, 1, 1, 1, 0.8)
            cairo_rectangle(context, label.frame.left, label.frame.top, label.frame.width, label.frame.height)
            cairo_fill(context)
            setColor(color)
            text(label.text, at: (label.origin.x, label.origin.y), size: ChartLayout.labelSize, align: .left)
        }
    }

    /// The cells, shaded, with their text in ink or (on a dark cell) white; the column labels
    /// under the grid and the row labels left of it, each as dense as the cells allow.
    private func drawHeatMap(_ map: HeatMap) {
        let grid = map.cells(in: area)
        let side = grid.side
        let size = min(12, max(6, side * 0.32))
        let showsText = side >= 14
        for (row, shades) in map.shades.enumerated() {
            for (column, shade) in shades.enumerated() {
                let left = grid.left + Double(column) * side, top = grid.top + Double(row) * side
                setColor(map.fill(shade))
                cairo_rectangle(context, left, top, side, side)
                cairo_fill(context)
                guard showsText else { continue }
                let label = map.text[row][column]
                var fitted = size
                while fitted > 5 && textWidth(label, size: fitted) > side - 4 { fitted -= 1 }
                guard textWidth(label, size: fitted) <= side - 2 else { continue }
                setColor(shade > 0.55 ? Color(red: 1, green: 1, blue: 1) : .ink)
                text(label, at: (left + side / 2, top + side / 2 + fitted * 0.36), size: fitted, align: .center)
            }
        }
        setColor(.ink)
        cairo_set_line_width(context, 1)
        cairo_rectangle(context, grid.left, grid.top, side * Double(map.columnLabels.count), side * Double(map.rowLabels.count))
        cairo_stroke(context)
        // Every k-th label, so that labels do not overlap.
        let every = max(1, Int((14 / max(side, 1)).rounded(.up)))
        let bottom = grid.top + side * Double(map.rowLabels.count)
        for (column, label) in map.columnLabels.enumerated() where column % every == 0 {
            text(label, at: (grid.left + (Double(column) + 0.5) * side, bottom + 16), size: 11, align: .center)
        }
        for (row, label) in map.rowLabels.enumerated() where row % every == 0 {
            text(label, at: (grid.left - 6, grid.top + (Double(row) + 0.5) * side + 4), size: 11, align: .right)
        }
        text(chart.xAxis.label, at: ((grid.left + grid.left + side * Double(map.columnLabels.count)) / 2, chart.height - 16), size: 12.5,
             align: .center)
        let labelWidth = map.rowLabels.map { textWidth($0, size: 11) }.max() ?? 0
        verticalText(chart.yAxis.label, at: (max(14, grid.left - labelWidth - 18), (grid.top + bottom) / 2), size: 12.5)
    }

    /// The legend's box (translucent white, framed) and a cell per entry: a line or a swatch,
    /// then the name.
    private func drawLegend() {
        guard let legend = layout.legend else { return }
        let frame = legend.placement.frame
        cairo_set_source_rgba(context, 1, 1, 1, 0.88)
        cairo_rectangle(context, frame.left, frame.top, frame.width, frame.height)
        cairo_fill_preserve(context)
        setColor(Color.ink.withAlpha(0.35))
        cairo_set_line_width(context, 0.8)
        cairo_stroke(context)
        for (index, entry) in legend.entries.enumerated() {
            let cell = legend.cell(index)
            let rowY = cell.y + ChartLayout.legendRowHeight / 2
            setColor(entry.color)
            if entry.filled {
                cairo_rectangle(context, cell.x + 8, rowY - 5, 26, 10)
                cairo_fill(context)
            } else {
                cairo_set_line_width(context, min(entry.width, 4))
                setDash(entry.dash)
                line((cell.x + 8, rowY), (cell.x + 34, rowY))
                setDash([])
            }
            setColor(.ink)
            text(entry.name, at: (cell.x + 40, rowY + 4), size: ChartLayout.labelSize, align: .left)
        }
    }

    // MARK: Primitives

    private enum Alignment { case left, center, right }

    private func clipToPlot(_ body: () -> Void) {
        cairo_save(context)
        cairo_rectangle(context, area.left, area.top, area.right - area.left, area.bottom - area.top)
        cairo_clip(context)
        body()
        cairo_restore(context)
    }

    private func setColor(_ color: Color) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }

    private func setDash(_ dash: [Double]) {
        dash.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
    }

    private func line(_ from: (Double, Double), _ to: (Double, Double)) {
        cairo_move_to(context, from.0, from.1)
        cairo_line_to(context, to.0, to.1)
        cairo_stroke(context)
    }

    private func textWidth(_ string: String, size: Double) -> Double {
        cairo_set_font_size(context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, string, &extents)
        return extents.x_advance
    }

    private func text(_ string: String, at point: (Double, Double), size: Double, align: Alignment) {
        let width = textWidth(string, size: size)
        let start = align == .left ? point.0 : align == .center ? point.0 - width / 2 : point.0 - width
        cairo_move_to(context, start, point.1)
        cairo_show_text(context, string)
    }

    private func verticalText(_ string: String, at point: (Double, Double), size: Double) {
        cairo_save(context)
        cairo_translate(context, point.0, point.1)
        cairo_rotate(context, -Double.pi / 2)
        text(string, at: (0, 0), size: size, align: .center)
        cairo_restore(context)
    }
}
