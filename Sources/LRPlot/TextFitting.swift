import Foundation

/// Text set in lines of a given font size.
public struct FittedText: Equatable, Sendable {
    /// The lines, top to bottom; together they hold every character of the text (spaces at the
    /// breaks aside).
    public var lines: [String]
    /// The font size.
    public var size: Double

    /// `lines` at `size`.
    public init(lines: [String], size: Double) {
        self.lines = lines
        self.size = size
    }
}

/// Wrapping and shrinking text to a width, never cutting it: pure functions that measure with a
/// closure (the renderer passes Cairo's measure; tests pass a fixed width per character).
public enum TextFitting {
    /// The lines of `text` no wider than `width` under `measure`, filled greedily: breaks at
    /// spaces; a word wider than `width` is broken after a `/`, `\`, `_`, `-`, `,`, `.` or `=`,
    /// and a piece still wider between characters. Empty text is one empty line.
    public static func wrap(_ text: String, width: Double, measure: (String) -> Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let joined = current.isEmpty ? word : current + " " + word
            if measure(joined) <= width { current = joined; continue }
            if !current.isEmpty { lines.append(current); current = "" }
            if measure(word) <= width { current = word; continue }
            // A word too wide for a line: its pieces, packed greedily; the last stays open.
            for piece in pieces(of: word, width: width, measure: measure) {
                if !current.isEmpty && measure(current + piece) > width { lines.append(current); current = "" }
                current += piece
            }
        }
        lines.append(current)
        return lines
    }

    /// `text` at the largest size from `size` down to `minimumSize` (in steps of 1) at which it
    /// wraps onto at most `maxLines` lines of `width`; at `minimumSize` on as many lines as it
    /// takes when none does.
    /// - Parameter measure: the width of a string at a font size.
    public static func fit(_ text: String, width: Double, size: Double, minimumSize: Double, maxLines: Int,
                           measure: (String, Double) -> Double) -> FittedText {
        let floor = Swift.min(size, minimumSize)
        var candidate = size
        while candidate > floor {
            let lines = wrap(text, width: width) { measure($0, candidate) }
            if lines.count <= maxLines { return FittedText(lines: lines, size: candidate) }
            candidate -= 1
        }
        return FittedText(lines: wrap(text, width: width) { measure($0, floor) }, size: floor)
    }

    /// At most `limit` of `lines`: when there are more, the last one kept ends with `…`, its
    /// characters dropped from the end until it fits `width` (only a text too long for any
    /// chart, thousands of characters, gets there).
    public static func limited(_ lines: [String], to limit: Int, width: Double, measure: (String) -> Double) -> [String] {
        guard lines.count > Swift.max(limit, 1) else { return lines }
        var kept = Array(lines.prefix(Swift.max(limit, 1)))
        var last = kept[kept.count - 1]
        while !last.isEmpty && measure(last + "…") > width { last.removeLast() }
        kept[kept.count - 1] = last + "…"
        return kept
    }

    /// `word` cut into pieces no wider than `width`: after each break character where the run
    /// so far still fits, else between characters (a single character wider than `width` is a
    /// piece of its own).
    static func pieces(of word: String, width: Double, measure: (String) -> Double) -> [String] {
        let breaks: Set<Character> = ["/", "\\", "_", "-", ",", ".", "="]
        // Runs ending at a break character.
        var runs: [String] = []
        var run = ""
        for character in word {
            run.append(character)
            if breaks.contains(character) { runs.append(run); run = "" }
        }
        if !run.isEmpty { runs.append(run) }
        var result: [String] = []
        var current = ""
        for run in runs {
            if measure(current + run) <= width { current += run; continue }
            if !current.isEmpty { result.append(current); current = "" }
            if measure(run) <= width { current = run; continue }
            for character in run {
                let longer = current + String(character)
                if !current.isEmpty && measure(longer) > width { result.append(current); current = String(character) } else { current = longer }
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
