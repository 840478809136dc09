/// The byte between the fields of a CSV file: a comma, a semicolon (as spreadsheets in many
/// locales write), a tab, or detected from the file's first lines.
public enum CSVDelimiter: String, CaseIterable, Codable, Sendable {
    /// Detected: of comma, semicolon and tab, the one that gives the most fields, the same number
    /// on each of the first lines (a comma when none gives more than one field).
    case auto
    /// `,`
    case comma
    /// `;`
    case semicolon
    /// A tab.
    case tab

    /// The byte; nil for `auto`.
    var byte: UInt8? {
        switch self {
        case .auto: nil
        case .comma: CSVByte.comma
        case .semicolon: CSVByte.semicolon
        case .tab: CSVByte.tab
        }
    }

    /// `','`, `';'`, `'\t'`, for the first line of a table.
    public var shown: String {
        switch self {
        case .auto: "auto"
        case .comma: "','"
        case .semicolon: "';'"
        case .tab: "'\\t'"
        }
    }

    /// How many of a file's first records ``detected(in:commentPrefix:)`` compares.
    static let detectionRecordCount = 5

    /// The delimiter of `bytes`: of comma, semicolon and tab, the one that splits each of the first
    /// records (up to ``detectionRecordCount``) into the same number of fields, the most of them
    /// (more than one); failing that the one that splits the first record into the most fields;
    /// ties go to the comma, then the semicolon; a comma when none splits anything.
    static func detected(in bytes: UnsafeBufferPointer<UInt8>, commentPrefix: String? = nil) -> CSVDelimiter {
        detected(in: bytes, commentPrefix: commentPrefix, isComplete: true, atFileStart: true)!
    }

    /// ``detected(in:commentPrefix:)`` of the file `source` reads, from its first piece, read
    /// further as long as the piece holds too few records to tell, but not past the longest record
    /// (``CSVSource/maximumRecordLength``): then the records that end in it decide (a comma when
    /// none does; reading the records refuses the long one).
    static func detected(in source: CSVSource, commentPrefix: String? = nil) throws -> CSVDelimiter {
        while true {
            if let found = detected(in: source.bytes, commentPrefix: commentPrefix, isComplete: source.isComplete,
                                    isFull: source.isFull, atFileStart: source.offset == 0) { return found }
            try source.advance(keepingFrom: 0)
        }
    }

    /// ``detected(in:commentPrefix:)`` of a piece of a file; nil when it does not run to the
    /// file's end, is not `isFull` (as large as it may grow) and holds fewer than
    /// ``detectionRecordCount`` records for a candidate.
    private static func detected(in bytes: UnsafeBufferPointer<UInt8>, commentPrefix: String?, isComplete: Bool,
                                 isFull: Bool = false, atFileStart: Bool) -> CSVDelimiter? {
        let candidates: [CSVDelimiter] = [.comma, .semicolon, .tab]
        let counts = candidates.map { candidate in
            CSVReader(bytes: bytes, commentPrefix: commentPrefix, delimiter: candidate.byte!, isComplete: isComplete,
                      atFileStart: atFileStart).prefix(detectionRecordCount).map { $0.fields.count }
        }
        if !isComplete && !isFull && counts.contains(where: { $0.count < detectionRecordCount }) { return nil }
        // A full piece may hold no whole record for a candidate (its quotes run past the piece).
        guard !counts[0].isEmpty else { return .comma }
        func best(_ score: ([Int]) -> Int) -> CSVDelimiter? {
            var chosen: CSVDelimiter?
            var most = 1
            for (candidate, fieldCounts) in zip(candidates, counts) where score(fieldCounts) > most {
                chosen = candidate
                most = score(fieldCounts)
            }
            return chosen
        }
        return best { Set($0).count == 1 ? $0[0] : 0 } ?? best { $0.first ?? 0 } ?? .comma
    }
}

/// A CSV column named on the command line: by 1-based position or by its header name.
public enum CSVColumn: Hashable, Codable, Sendable {
    /// The column at this 0-based index.
    case index(Int)
    /// The column with this header name.
    case name(String)

    /// A 1-based column number (`3`) or a header name (`species`): any text that is not an integer
    /// is a name, so that numeric header names (pandas' `0`, `1`, ...) are reached by position.
    /// Nil for an integer below 1.
    public init?(parsing text: String) {
        if let number = Int(text) {
            guard number >= 1 else { return nil }
            self = .index(number - 1)
        } else {
            self = .name(text)
        }
    }

    /// `column 3` or `column 'species'`, for messages.
    var shown: String {
        switch self {
        case let .index(index): "column \(index + 1)"
        case let .name(name): "column '\(name)'"
        }
    }
}
