/// A data file that cannot be used, located as precisely as possible: one line of the form
/// `FILE:LINE:COLUMN: message: 'text'` (line and column are 1-based; either may be absent).
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's path as given.
    public var file: String
    /// 1-based line (CSV) of the problem, when it has one.
    public var line: Int?
    /// 1-based field (CSV column) of the problem, when it has one.
    public var column: Int?
    /// What is wrong.
    public var message: String
    /// The offending text, when there is one.
    public var text: String?

    /// An error at `file` (and `line`, `column`) with `message` about `text`.
    public init(file: String, line: Int? = nil, column: Int? = nil, message: String, text: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.text = text
    }

    /// The most characters of ``text`` that ``description`` shows.
    static let shownCharacterCount = 60

    /// `text` cut for an error's ``text``: its first 61 characters at most, the 60 that
    /// ``description`` shows and one to tell that more follow (`...`); a long text is not copied.
    static func cut(_ text: String) -> String { String(text.prefix(shownCharacterCount + 1)) }

    /// `FILE:LINE:COLUMN: message: 'text'`, on one line (control characters in the text, C0, DEL
    /// and C1, escaped as `\u{d}`).
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        var result = "\(location): \(message)"
        if let text {
            // Only the first 61 characters are looked at, however long the text.
            let shown = text.prefix(Self.shownCharacterCount + 1).count > Self.shownCharacterCount
                ? String(text.prefix(Self.shownCharacterCount)) + "..." : text
            result += ": '\(shown.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())'"
        }
        return result
    }
}
