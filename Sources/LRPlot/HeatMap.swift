/// A grid of shaded cells with text, drawn instead of lines when a ``Chart`` has one (a
/// confusion matrix, say): row 0 at the top, column 0 at the left; the chart's x axis labels the
/// columns and its y axis the rows.
public struct HeatMap: Equatable, Sendable {
    /// Labels of the rows, top to bottom.
    public var rowLabels: [String]
    /// Labels of the columns, left to right.
    public var columnLabels: [String]
    /// Shade of each cell, `shades[row][column]` in 0...1 (0 white, 1 `color`; values outside
    /// are clamped, NaN is white).
    public var shades: [[Double]]
    /// Text drawn in each cell, `text[row][column]` (left out when the cells are too small to hold it).
    public var text: [[String]]
    /// The colour of a shade of 1.
    public var color: Color

    /// A heat map of `shades` with `text`, one row per row label and one column per column label.
    public init(rowLabels: [String], columnLabels: [String], shades: [[Double]], text: [[String]], color: Color = Color.series(0)) {
        precondition(shades.count == rowLabels.count && text.count == rowLabels.count, "one row of shades and text per row label")
        precondition(shades.allSatisfy { $0.count == columnLabels.count } && text.allSatisfy { $0.count == columnLabels.count },
                     "one shade and text per column label in every row")
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.shades = shades
        self.text = text
        self.color = color
    }

    /// The colour of `shade`: white blended towards `color`.
    public func fill(_ shade: Double) -> Color {
        let t = shade.isNaN ? 0 : Swift.min(Swift.max(shade, 0), 1)
        return Color(red: 1 + (color.red - 1) * t, green: 1 + (color.green - 1) * t, blue: 1 + (color.blue - 1) * t)
    }

    /// Square cells as large as fit in `area`, centred in it: the top-left corner of cell (0, 0)
    /// and the side of a cell.
    public func cells(in area: (left: Double, right: Double, top: Double, bottom: Double)) -> (left: Double, top: Double, side: Double) {
        let columns = Double(Swift.max(columnLabels.count, 1)), rows = Double(Swift.max(rowLabels.count, 1))
        let side = Swift.min((area.right - area.left) / columns, (area.bottom - area.top) / rows)
        return (left: area.left + ((area.right - area.left) - side * columns) / 2,
                top: area.top + ((area.bottom - area.top) - side * rows) / 2, side: side)
    }
}
