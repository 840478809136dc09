/// A colour as red, green, blue and alpha in 0...1.
public struct Color: Equatable, Sendable {
    /// Red.
    public var red: Double
    /// Green.
    public var green: Double
    /// Blue.
    public var blue: Double
    /// Opacity.
    public var alpha: Double

    /// A colour from components in 0...1.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from a 0xRRGGBB literal.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255, blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    /// The same colour with another opacity.
    public func withAlpha(_ alpha: Double) -> Color { Color(red: red, green: green, blue: blue, alpha: alpha) }

    /// The Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable with
    /// the common colour-vision deficiencies: blue, vermillion, bluish green, orange, reddish
    /// purple, sky blue, yellow, black.
    public static let palette: [Color] = [0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0xF0E442, 0x000000].map { Color(hex: $0) }

    /// Palette colour `index`, wrapping around.
    public static func series(_ index: Int) -> Color { palette[index % palette.count] }

    /// Text and axes.
    public static let ink = Color(hex: 0x222222)
    /// Grid lines.
    public static let grid = Color(hex: 0xDDDDDD)
}

/// How an axis maps values.
public enum AxisScale: Equatable, Sendable {
    /// Evenly spaced values.
    case linear
    /// Evenly spaced decades (values must be positive; others are left out).
    case logarithmic
}

/// One axis: its label, scale and, optionally, a fixed range.
public struct Axis: Equatable, Sendable {
    /// Text beside the axis.
    public var label: String
    /// Linear or logarithmic.
    public var scale: AxisScale
    /// A fixed range; nil fits the data (with a little padding).
    public var range: ClosedRange<Double>?

    /// An axis labelled `label`.
    public init(_ label: String, scale: AxisScale = .linear, range: ClosedRange<Double>? = nil) {
        self.label = label
        self.scale = scale
        self.range = range
    }
}

/// Which vertical axis a series is measured on.
public enum AxisSide: Sendable, Equatable {
    /// The left axis.
    case left
    /// The right (secondary) axis.
    case right
}

/// A line through points; NaN or infinite values break it.
public struct Series: Equatable, Sendable {
    /// Legend text; nil keeps the series out of the legend.
    public var name: String?
    /// Horizontal values.
    public var x: [Double]
    /// Vertical values, one per `x`.
    public var y: [Double]
    /// The axis `y` is measured on.
    public var side: AxisSide = .left
    /// Line colour.
    public var color: Color
    /// Line width in points.
    public var width: Double = 2
    /// Dash pattern in points; empty for a solid line.
    public var dash: [Double] = []
    /// Draws a small dot at each point.
    public var showsPoints = false

    /// A series named `name` with points (`x[i]`, `y[i]`).
    public init(_ name: String?, x: [Double], y: [Double], color: Color, width: Double = 2, side: AxisSide = .left) {
        precondition(x.count == y.count, "series '\(name ?? "")': \(x.count) x values, \(y.count) y values")
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.width = width
        self.side = side
    }
}

/// A labelled point (a detected feature of a curve).
public struct PointMarker: Equatable, Sendable {
    /// Where, in data units (left axis).
    public var x: Double
    /// Where, in data units (left axis).
    public var y: Double
    /// Text next to the point.
    public var label: String
    /// Dot colour.
    public var color: Color

    /// A marker at (`x`, `y`).
    public init(x: Double, y: Double, label: String, color: Color) {
        self.x = x
        self.y = y
        self.label = label
        self.color = color
    }
}

/// A vertical line across the plot, labelled at its top.
public struct VerticalLine: Equatable, Sendable {
    /// Where, in data units.
    public var x: Double
    /// Text at the top; may be empty.
    public var label: String
    /// Line colour.
    public var color: Color
    /// Dash pattern.
    public var dash: [Double] = [6, 4]

    /// A dashed line at `x`.
    public init(x: Double, label: String, color: Color) {
        self.x = x
        self.label = label
        self.color = color
    }
}

/// A shaded region: a span of x across the whole plot, or the area between two curves.
public struct Band: Equatable, Sendable {
    /// The region's shape.
    public enum Shape: Equatable, Sendable {
        /// From one x to another, full height.
        case span(ClosedRange<Double>)
        /// Between `lower[i]` and `upper[i]` at `x[i]` (left axis).
        case between(x: [Double], lower: [Double], upper: [Double])
    }
    /// The region.
    public var shape: Shape
    /// Legend text; nil keeps it out of the legend.
    public var name: String?
    /// Fill colour (usually translucent).
    public var color: Color

    /// A band of `shape` filled with `color`.
    public init(_ shape: Shape, name: String? = nil, color: Color) {
        self.shape = shape
        self.name = name
        self.color = color
    }
}

/// A chart described as data: axes, series, markers, lines and bands, or a ``HeatMap`` in their
/// place. `rendered(as:)` draws it.
public struct Chart: Equatable, Sendable {
    /// Title above the plot.
    public var title: String
    /// A smaller line under the title (a note on the data).
    public var subtitle: String?
    /// Horizontal axis.
    public var xAxis: Axis
    /// Left vertical axis.
    public var yAxis: Axis
    /// Right vertical axis, for series with `side == .right`.
    public var secondaryAxis: Axis?
    /// The lines, drawn in order.
    public var series: [Series] = []
    /// Labelled points, drawn over the lines.
    public var markers: [PointMarker] = []
    /// Vertical lines.
    public var verticalLines: [VerticalLine] = []
    /// Shaded regions, drawn under the lines.
    public var bands: [Band] = []
    /// A grid of shaded cells drawn instead of the series, markers, lines and bands; the axes
    /// label its columns (x) and rows (y).
    public var heatMap: HeatMap?
    /// Whether to draw the legend (when anything is named).
    public var showsLegend = true
    /// Width in pixels (PNG) or points (SVG, PDF).
    public var width = 900.0
    /// Height in pixels or points.
    public var height = 560.0

    /// An empty chart with axes.
    public init(title: String, xAxis: Axis, yAxis: Axis, secondaryAxis: Axis? = nil) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.secondaryAxis = secondaryAxis
    }
}
