import Foundation

/// Where a chart's legend goes: inside the plot area where it hides no line, point or label,
/// else beside or below the plot (which shrinks to make room), else inside where it hides least.
public struct LegendPlacement: Equatable, Sendable {
    /// The candidate positions, in the order they are preferred when several are free.
    public enum Position: Equatable, Sendable, CaseIterable {
        /// Inside, in a corner.
        case topRight, topLeft, bottomRight, bottomLeft
        /// Inside, at the middle of an edge.
        case top, bottom, right, left
        /// Outside, right of the plot (and of a secondary axis).
        case outsideRight
        /// Outside, under the x axis's label.
        case outsideBelow

        /// The positions inside the plot area.
        public static let inside: [Position] = [.topRight, .topLeft, .bottomRight, .bottomLeft, .top, .bottom, .right, .left]
    }

    /// Where it went.
    public var position: Position
    /// The legend's box.
    public var frame: Rect
    /// The plot area once the legend has its place: smaller than before for an outside position.
    public var area: Rect
    /// What the legend hides: the length of lines under it plus ``labelWeight`` times the area of
    /// labels under it (0 when it hides nothing).
    public var overlap: Double

    /// Gap between the legend and the edges of the plot area when inside.
    public static let inset = 8.0
    /// Margin around the legend that must be free too, so that it does not touch a line.
    public static let clearance = 3.0
    /// Cost of one square unit of label hidden, against one unit of line length.
    public static let labelWeight = 10.0
    /// Cost of a lone point (a one-point polyline) hidden.
    public static let lonePointCost = 4.0
    /// The smallest share of its width (outside right) or height (outside below) the plot keeps
    /// for an outside legend; when neither side keeps that much, the legend stays inside.
    public static let minimumShare = 0.5

    /// The place for a legend of `size` in the plot area `area` of a canvas `canvas`.
    ///
    /// Steps: the first inside position (in ``Position/inside`` order) whose box, grown by
    /// ``clearance``, hides no part of `polylines` and no part of `labels`; else outside, on the
    /// side that leaves the plot the larger area; else (an outside legend would take more than
    /// half the plot) the inside position that hides least.
    /// - Parameters:
    ///   - polylines: the drawn lines in device coordinates (series, vertical lines, band edges);
    ///     a one-point polyline is a lone point.
    ///   - labels: the boxes of text and markers drawn in the plot.
    ///   - gapRight: room needed between the plot's right edge and an outside-right legend (tick
    ///     labels and title of a secondary axis).
    ///   - gapBelow: room needed between the plot's bottom edge and an outside-below legend (tick
    ///     labels and title of the x axis).
    ///   - sizeBelow: the legend's size outside below (its rows side by side); nil: `size`.
    public static func choose(size: (width: Double, height: Double), area: Rect, canvas: Rect, polylines: [[Point]], labels: [Rect],
                              gapRight: Double, gapBelow: Double, sizeBelow: (width: Double, height: Double)? = nil) -> LegendPlacement {
        var best: LegendPlacement?
        for position in Position.inside {
            let frame = insideFrame(position, size: size, area: area)
            let cost = overlap(of: frame.expanded(by: clearance), polylines: polylines, labels: labels)
            let candidate = LegendPlacement(position: position, frame: frame, area: area, overlap: cost)
            if cost == 0 { return candidate }
            if best.map({ cost < $0.overlap }) ?? true { best = candidate }
        }
        let margin = 10.0
        // Outside right: the plot's right edge moves left until the gap, the legend and a margin fit.
        let rightShrink = Swift.max(0, gapRight + size.width + margin - (canvas.right - area.right))
        let right = Rect(left: area.left, top: area.top, width: area.width - rightShrink, height: area.height)
        // Outside below: the bottom edge moves up likewise.
        let wide = sizeBelow ?? size
        let belowShrink = Swift.max(0, gapBelow + wide.height + margin - (canvas.bottom - area.bottom))
        let below = Rect(left: area.left, top: area.top, width: area.width, height: area.height - belowShrink)
        let outside = [
            right.width >= minimumShare * area.width
                ? LegendPlacement(position: .outsideRight, frame: Rect(left: right.right + gapRight, top: area.top, width: size.width, height: size.height),
                                  area: right, overlap: 0) : nil,
            below.height >= minimumShare * area.height
                ? LegendPlacement(position: .outsideBelow,
                                  frame: Rect(left: area.left + (area.width - wide.width) / 2, top: below.bottom + gapBelow, width: wide.width, height: wide.height),
                                  area: below, overlap: 0) : nil,
        ].compactMap { $0 }
        // The larger plot; outside right on a tie.
        if let roomiest = outside.max(by: { $0.area.width * $0.area.height < $1.area.width * $1.area.height }) { return roomiest }
        return best!
    }

    /// The box of an inside `position`, ``inset`` from the edges of `area`.
    public static func insideFrame(_ position: Position, size: (width: Double, height: Double), area: Rect) -> Rect {
        let left = area.left + inset, right = area.right - inset - size.width, centreX = area.left + (area.width - size.width) / 2
        let top = area.top + inset, bottom = area.bottom - inset - size.height, middleY = area.top + (area.height - size.height) / 2
        let corner: (Double, Double)
        switch position {
        case .topRight: corner = (right, top)
        case .topLeft: corner = (left, top)
        case .bottomRight: corner = (right, bottom)
        case .bottomLeft: corner = (left, bottom)
        case .top: corner = (centreX, top)
        case .bottom: corner = (centreX, bottom)
        case .right: corner = (right, middleY)
        case .left, .outsideRight, .outsideBelow: corner = (left, middleY)
        }
        return Rect(left: corner.0, top: corner.1, width: size.width, height: size.height)
    }

    /// What `box` hides: the length of `polylines` inside it (``lonePointCost`` for each lone
    /// point inside) plus ``labelWeight`` times its overlap with `labels`.
    public static func overlap(of box: Rect, polylines: [[Point]], labels: [Rect]) -> Double {
        var cost = 0.0
        for line in polylines {
            if line.count == 1 {
                if box.contains(line[0]) { cost += lonePointCost }
                continue
            }
            for i in line.indices.dropFirst() { cost += box.lengthInside(from: line[i - 1], to: line[i]) }
        }
        for label in labels { cost += labelWeight * box.overlapArea(with: label) }
        return cost
    }
}
