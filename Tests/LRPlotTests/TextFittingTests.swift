import Foundation
import Testing
@testable import LRPlot

/// Wrapping and shrinking titles with a fixed-width measure: 10 units a character, or (with a
/// size) 1 unit a character per point.
@Suite struct TextFittingTests {
    static func tenPerCharacter(_ text: String) -> Double { Double(text.count) * 10 }
    static func perPoint(_ text: String, _ size: Double) -> Double { Double(text.count) * size }

    /// The text's characters without spaces: what no wrapping may lose.
    static func letters(_ text: String) -> String { text.filter { $0 != " " } }

    @Test func wrapsAtSpacesGreedily() {
        // 15 characters a line.
        #expect(TextFitting.wrap("Range test: iris.csv, mlp, adamw", width: 150, measure: Self.tenPerCharacter)
            == ["Range test:", "iris.csv, mlp,", "adamw"])
        #expect(TextFitting.wrap("short", width: 150, measure: Self.tenPerCharacter) == ["short"])
        #expect(TextFitting.wrap("", width: 150, measure: Self.tenPerCharacter) == [""])
    }

    @Test func breaksAPathAfterItsSlashes() {
        // 12 characters a line; the path is 37.
        #expect(TextFitting.wrap("data /work/main/fixtures/datasets/iris.csv", width: 120, measure: Self.tenPerCharacter)
            == ["data", "/work/main/", "fixtures/", "datasets/", "iris.csv"])
    }

    @Test func breaksAWordWithoutBreaksBetweenCharacters() {
        #expect(TextFitting.wrap("abcdefghijklmnopqrstuvwxy end", width: 100, measure: Self.tenPerCharacter)
            == ["abcdefghij", "klmnopqrst", "uvwxy end"])
    }

    @Test func nothingIsCut() {
        let texts = ["Range test: /tmp/plots/a rather long folder name for the experiments of this week/iris_measurements_1935.csv, mlp, adamw",
                     "Training: x, mlp, sgd, lr 0.001", String(repeating: "w", count: 300), "a  b   c"]
        for text in texts {
            for width in [30.0, 95, 240, 800] {
                let lines = TextFitting.wrap(text, width: width, measure: Self.tenPerCharacter)
                #expect(lines.joined().filter { $0 != " " } == Self.letters(text), "\(text) at \(width)")
                // Only a single character may be wider than the line.
                #expect(lines.allSatisfy { Self.tenPerCharacter($0) <= max(width, 10) }, "\(text) at \(width)")
            }
        }
    }

    @Test func shrinksUntilTwoLinesHoldIt() {
        // 63 characters in 400 units: 3 lines at 16, 15, 14 and 13 points, 2 at 12.
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda"
        let fitted = TextFitting.fit(text, width: 400, size: 16, minimumSize: 11, maxLines: 2, measure: Self.perPoint)
        #expect(fitted == FittedText(lines: ["alpha beta gamma delta epsilon", "zeta eta theta iota kappa lambda"], size: 12))
    }

    @Test func aShortTitleKeepsItsSizeAndALongOneTakesMoreLinesAtTheFloor() {
        #expect(TextFitting.fit("Range test", width: 400, size: 16, minimumSize: 11, maxLines: 2, measure: Self.perPoint)
            == FittedText(lines: ["Range test"], size: 16))
        // 36 characters a line at 11 points: 100 words of 4 letters, 7 a line, need 15 lines.
        let long = Array(repeating: "word", count: 100).joined(separator: " ")
        let fitted = TextFitting.fit(long, width: 400, size: 16, minimumSize: 11, maxLines: 2, measure: Self.perPoint)
        #expect(fitted.size == 11 && fitted.lines.count == 15 && fitted.lines[0] == "word word word word word word word")
    }

    @Test func onlyAbsurdlyLongTextIsElided() {
        let lines = ["abcdefghij", "klmnopqrst", "uvwxy"]
        #expect(TextFitting.limited(lines, to: 3, width: 100, measure: Self.tenPerCharacter) == lines)
        // 10 characters a line: the second loses one for the ellipsis.
        #expect(TextFitting.limited(lines, to: 2, width: 100, measure: Self.tenPerCharacter) == ["abcdefghij", "klmnopqrs…"])
    }
}
