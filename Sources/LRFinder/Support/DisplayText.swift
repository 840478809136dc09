/// Text from a data file or a model file (a label, a level, a class or column name, a metadata
/// value) made fit to print: its control characters escaped, so that it cannot move the cursor,
/// recolour or clear a terminal, or break the line it is printed in; and, in a message, cut to
/// its first characters, so that a 50 MB level does not make a 50 MB note.
public enum DisplayText {
    /// The most characters of a text that ``shown(_:)`` shows (those of ``DataError``'s text).
    public static let shownCharacterCount = 60

    /// Whether `scalar` is a control character: C0 (U+0000 to U+001F), DEL (U+007F) or C1
    /// (U+0080 to U+009F).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` with each control character (C0, DEL and C1; the tab and the line break too)
    /// written as its code in hexadecimal, `\u{1b}` for ESC, and everything else as it is.
    public static func escaped(_ text: some StringProtocol) -> String {
        // Most text has none: it is returned as it is, scanned once.
        guard text.unicodeScalars.contains(where: isControl) else { return String(text) }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar) { result += "\\u{\(String(scalar.value, radix: 16))}" } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// `text` for a message or a table: its first `limit` characters (``shownCharacterCount``
    /// unless told), escaped (``escaped(_:)``), then `...` when more follow. Only the first
    /// `limit + 1` characters are looked at, however long the text.
    public static func shown(_ text: some StringProtocol, limit: Int = shownCharacterCount) -> String {
        let head = text.prefix(limit + 1)
        guard head.count > limit else { return escaped(head) }
        return escaped(head.prefix(limit)) + "..."
    }

    /// `names` listed for a message, each ``shown(_:)``, `a, b, c`: the first `limit`, then
    /// `... (N in all)`; only those shown are looked at.
    public static func listed(_ names: some Collection<String>, limit: Int = 20) -> String {
        let shown = names.prefix(limit).map { Self.shown($0) }.joined(separator: ", ")
        return names.count <= limit ? shown : shown + ", ... (\(names.count) in all)"
    }
}
