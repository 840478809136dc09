import Foundation
import Testing
@testable import LRPlot

/// Legend placement on hand-built plots: a 400 x 300 area at (50, 40) in a 500 x 400 canvas,
/// a 100 x 50 legend, 8 from the edges inside (boxes checked 3 wider).
@Suite struct LegendPlacementTests {
    static let area = Rect(left: 50, top: 40, width: 400, height: 300)
    static let canvas = Rect(left: 0, top: 0, width: 500, height: 400)

    static func place(_ polylines: [[Point]], labels: [Rect] = [], size: (width: Double, height: Double) = (100, 50),
                      canvas: Rect = canvas, sizeBelow: (width: Double, height: Double)? = nil) -> LegendPlacement {
        LegendPlacement.choose(size: size, area: area, canvas: canvas, polylines: polylines, labels: labels, gapRight: 12, gapBelow: 50,
                               sizeBelow: sizeBelow)
    }

    @Test func segmentLengthsAreClippedToTheBox() {
        let box = Rect(left: 0, top: 0, width: 10, height: 10)
        #expect(box.lengthInside(from: Point(-5, 5), to: Point(15, 5)) == 10)
        #expect(abs(box.lengthInside(from: Point(-10, -10), to: Point(20, 20)) - 10 * 2.0.squareRoot()) < 1e-12)
        #expect(box.lengthInside(from: Point(20, 0), to: Point(30, 10)) == 0)
        #expect(box.lengthInside(from: Point(2, 3), to: Point(2, 7)) == 4)
        #expect(box.overlapArea(with: Rect(left: 5, top: 8, width: 10, height: 10)) == 10)
        #expect(box.overlapArea(with: Rect(left: 10, top: 0, width: 5, height: 5)) == 0)
    }

    @Test func aCurveThroughTheTopRightCornerSendsTheLegendTopLeft() {
        // The top-right box is x 342...442, y 48...98; the curve crosses it at (342, 82).
        let placement = Self.place([[Point(300, 40), Point(450, 190)]])
        #expect(placement.position == .topLeft)
        #expect(placement.frame == Rect(left: 58, top: 48, width: 100, height: 50))
        #expect(placement.overlap == 0 && placement.area == Self.area)
    }

    @Test func aLabelInTheTopLeftIsAvoidedToo() {
        let placement = Self.place([[Point(300, 40), Point(450, 190)]], labels: [Rect(left: 60, top: 50, width: 80, height: 14)])
        #expect(placement.position == .bottomRight)
        #expect(placement.frame == Rect(left: 342, top: 282, width: 100, height: 50))
    }

    @Test func aLonePointCounts() {
        // A single point in the top-right box (and nothing else): top left.
        #expect(Self.place([[Point(400, 70)]]).position == .topLeft)
        #expect(LegendPlacement.overlap(of: Rect(left: 0, top: 0, width: 10, height: 10), polylines: [[Point(5, 5)]], labels: []) == 4)
    }

    @Test func edgeMiddlesComeAfterTheCorners() {
        // Lines down both sides and across the bottom: only the middle of the top edge is free.
        let lines = [[Point(70, 40), Point(70, 340)], [Point(430, 40), Point(430, 340)], [Point(50, 320), Point(450, 320)]]
        let placement = Self.place(lines)
        #expect(placement.position == .top)
        #expect(placement.frame == Rect(left: 200, top: 48, width: 100, height: 50))
    }

    @Test func whenEverythingIsCoveredTheLegendGoesBelowAndThePlotShrinks() {
        // Horizontal lines every 20 units fill the plot. Right: 72 narrower (328 x 300 = 98,400);
        // below: 50 lower (400 x 250 = 100,000): below wins, centred under the x axis title.
        let lines = stride(from: 40.0, through: 340, by: 20).map { [Point(50, $0), Point(450, $0)] }
        let placement = Self.place(lines)
        #expect(placement.position == .outsideBelow)
        #expect(placement.area == Rect(left: 50, top: 40, width: 400, height: 250))
        #expect(placement.frame == Rect(left: 200, top: 340, width: 100, height: 50))
        #expect(placement.overlap == 0)
        // Side by side below (300 x 25): 25 lower only.
        let wide = Self.place(lines, sizeBelow: (300, 25))
        #expect(wide.area == Rect(left: 50, top: 40, width: 400, height: 275))
        #expect(wide.frame == Rect(left: 100, top: 365, width: 300, height: 25))
    }

    @Test func aTallLegendGoesRightWhenThatLeavesMoreOfThePlot() {
        // 100 x 120: right leaves 328 x 300 = 98,400, below 400 x 180 = 72,000.
        let lines = stride(from: 40.0, through: 340, by: 20).map { [Point(50, $0), Point(450, $0)] }
        let placement = Self.place(lines, size: (100, 120))
        #expect(placement.position == .outsideRight)
        #expect(placement.area == Rect(left: 50, top: 40, width: 328, height: 300))
        #expect(placement.frame == Rect(left: 390, top: 40, width: 100, height: 120))
    }

    @Test func withNoRoomOutsideTheLeastCoveredPlaceInsideWins() {
        // A 250 x 200 legend, no margin outside: going out would leave less than half the plot.
        // Verticals at x 60 and 440 cover the side boxes (206 each); a stub at x 250 reaches 15
        // into the top-middle box and 35 into the bottom-middle one.
        let lines = [[Point(60, 40), Point(60, 340)], [Point(440, 40), Point(440, 340)],
                     [Point(250, 40), Point(250, 60)], [Point(250, 300), Point(250, 340)]]
        let placement = Self.place(lines, size: (250, 200), canvas: Self.area)
        #expect(placement.position == .top)
        #expect(placement.frame == Rect(left: 125, top: 48, width: 250, height: 200))
        #expect(placement.overlap == 15)
        #expect(placement.area == Self.area)
    }
}
