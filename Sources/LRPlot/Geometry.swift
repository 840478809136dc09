import Foundation

/// A point in device coordinates (x to the right, y down).
public struct Point: Equatable, Sendable {
    /// Horizontal coordinate.
    public var x: Double
    /// Vertical coordinate (growing downwards).
    public var y: Double

    /// The point (`x`, `y`).
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle in device coordinates: its top-left corner and its size.
public struct Rect: Equatable, Sendable {
    /// Left edge.
    public var left: Double
    /// Top edge.
    public var top: Double
    /// Width (not negative).
    public var width: Double
    /// Height (not negative).
    public var height: Double

    /// The rectangle with top-left corner (`left`, `top`) and size `width` x `height`.
    public init(left: Double, top: Double, width: Double, height: Double) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }

    /// Right edge.
    public var right: Double { left + width }
    /// Bottom edge.
    public var bottom: Double { top + height }

    /// The rectangle grown by `amount` on every side (shrunk for a negative amount).
    public func expanded(by amount: Double) -> Rect {
        Rect(left: left - amount, top: top - amount, width: Swift.max(0, width + 2 * amount), height: Swift.max(0, height + 2 * amount))
    }

    /// The area `self` and `other` share (0 when they only touch or are apart).
    public func overlapArea(with other: Rect) -> Double {
        let w = Swift.min(right, other.right) - Swift.max(left, other.left)
        let h = Swift.min(bottom, other.bottom) - Swift.max(top, other.top)
        return w > 0 && h > 0 ? w * h : 0
    }

    /// Whether `point` lies inside or on the edge.
    public func contains(_ point: Point) -> Bool {
        point.x >= left && point.x <= right && point.y >= top && point.y <= bottom
    }

    /// The length of the segment from `a` to `b` that lies inside (Liang-Barsky clipping).
    public func lengthInside(from a: Point, to b: Point) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        var enter = 0.0, leave = 1.0
        // Each edge as p * t <= q: the parameter range of the segment on its inner side.
        for (p, q) in [(-dx, a.x - left), (dx, right - a.x), (-dy, a.y - top), (dy, bottom - a.y)] {
            if p == 0 {
                if q < 0 { return 0 }
            } else {
                let t = q / p
                if p < 0 { enter = Swift.max(enter, t) } else { leave = Swift.min(leave, t) }
            }
        }
        return leave > enter ? (leave - enter) * (dx * dx + dy * dy).squareRoot() : 0
    }
}
