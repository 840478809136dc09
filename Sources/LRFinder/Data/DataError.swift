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
    static let shownCharacterCount = DisplayText.shownCharacterCount

    /// `text` cut for an error's ``text``: its first 61 characters at most, the 60 that
    /// ``description`` shows and one to tell that more follow (`...`); a long text is not copied.
    static func cut(_ text: String) -> String { String(text.prefix(shownCharacterCount + 1)) }

    /// `FILE:LINE:COLUMN: message: 'text'`, on one line (control characters, C0, DEL and C1,
    /// escaped as `\u{d}` by ``DisplayText``, in the message as in the text).
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        var result = DisplayText.escaped("\(location): \(message)")
        // Only the first 61 characters of the text are looked at, however long it is.
        if let text { result += ": '\(DisplayText.shown(text))'" }
        return result
    }
}
