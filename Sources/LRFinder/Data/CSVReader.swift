import Foundation

/// Walks CSV bytes (already inflated) record by record: one record per line ended by LF, CRLF or
/// a lone CR (old Mac files; the last line may lack an end), fields separated by commas. A UTF-8
/// byte-order mark at the start is skipped. Blank lines (spaces and tabs only) are skipped, and so
/// are lines whose first non-blank bytes are the comment prefix, when one is given. Fields are
/// separated by `delimiter` and may be quoted as RFC 4180 has it: a field that starts with `"`
/// runs to the next lone `"`, holding delimiters, doubled quotes (`""` for one) and line breaks;
/// a record with a line break inside quotes spans several lines, numbered from its first. Files
/// without a quote take a line end search of the C library's `memchr`.
///
/// The bytes may be one piece of a file (``CSVRecordStream`` feeds it a file piece by piece): then
/// the walk stops before a record whose line end is not in the piece, at ``position``.
struct CSVReader: Sequence, IteratorProtocol {
    /// The whole file, or the piece of it being read.
    let bytes: UnsafeBufferPointer<UInt8>
    /// Whether `bytes` run to the end of the file; if not, a record must end in them with a line
    /// end (and a CR must not be their last byte, the LF of a CRLF may follow).
    let isComplete: Bool
    /// The bytes that start a comment line, after any spaces and tabs; nil: no comments.
    let commentPrefix: [UInt8]?
    /// The byte between fields.
    let delimiter: UInt8
    /// Whether the file holds a quote at all (else records end at the first line end).
    private let hasQuotes: Bool
    /// Where the next line starts: past the last record given out (and the blank and comment
    /// lines after it), where the walk stopped.
    private(set) var position = 0
    /// 1-based number of the line read last.
    private(set) var lineNumber = 0
    /// The next LF and the next CR at or after the last line's start (the end of the bytes when
    /// there is none), each searched again only once the walk has passed it.
    private var nextNewline = -1, nextReturn = -1

    /// A reader of `bytes` with fields separated by `delimiter` that skips lines starting with
    /// `commentPrefix` (when given). For a piece of a file, `isComplete` says whether it runs to
    /// the file's end, `linesBefore` counts the lines before it, and `atFileStart` whether it starts
    /// the file (the one place for a byte-order mark).
    init(bytes: UnsafeBufferPointer<UInt8>, commentPrefix: String? = nil, delimiter: UInt8 = CSVByte.comma,
         isComplete: Bool = true, linesBefore: Int = 0, atFileStart: Bool = true) {
        self.init(bytes: bytes, commentPrefix: commentPrefix.map { Array($0.utf8) }, delimiter: delimiter, isComplete: isComplete,
                  linesBefore: linesBefore, atFileStart: atFileStart)
    }

    /// ``init(bytes:commentPrefix:delimiter:isComplete:linesBefore:atFileStart:)`` with the comment
    /// prefix as bytes.
    init(bytes: UnsafeBufferPointer<UInt8>, commentPrefix: [UInt8]?, delimiter: UInt8, isComplete: Bool, linesBefore: Int,
         atFileStart: Bool) {
        self.bytes = bytes
        self.commentPrefix = commentPrefix
        self.delimiter = delimiter
        self.isComplete = isComplete
        lineNumber = linesBefore
        hasQuotes = bytes.count > 0 && memchr(bytes.baseAddress!, Int32(CSVByte.quote), bytes.count) != nil
        if atFileStart && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
    }

    /// Reads the file at `path` (gzip inflated; `-` is standard input) in pieces, as the data
    /// loader does (``CSVSource``), checks that it is text, and gives `body` its comma-separated
    /// records. A problem reading them (a record longer than ``CSVSource/maximumRecordLength``, a
    /// corrupt gzip stream) ends the records early and is thrown in place of whatever `body`
    /// returns or throws after it.
    static func withFile<Result>(_ path: String, commentPrefix: String? = nil,
                                 _ body: (CSVFileRecords) throws -> Result) throws -> Result {
        let source = try CSVSource(path: path)
        try source.checkText()
        let records = CSVFileRecords(source.records(delimiter: CSVByte.comma, commentPrefix: commentPrefix))
        // The read error came first: what `body` made of the records before it does not count.
        let result: Result
        do {
            result = try body(records)
        } catch {
            throw records.error ?? error
        }
        if let error = records.error { throw error }
        return result
    }

    /// How much of a file ``checkText(_:file:)`` looks at.
    static let textCheckLength = 4096

    /// Throws "not a text CSV file (binary data)" when the first 4 KiB of `bytes` hold a control
    /// byte other than tab, LF, CR and form feed (NUL, DEL, ...): an image, an archive, a binary
    /// or compressed file, whose bytes would make no sense in a message.
    static func checkText(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws {
        for byte in bytes.prefix(textCheckLength) where (byte < 0x20 && byte != CSVByte.tab && byte != CSVByte.newline
                                                          && byte != CSVByte.carriageReturn && byte != 0x0C) || byte == 0x7F {
            throw DataError(file: file, message: "not a text CSV file (binary data)")
        }
    }

    /// The next record that is neither blank nor a comment, or nil at the end of the bytes (of a
    /// piece: before the first line whose end is not in it).
    @inline(never)
    mutating func next() -> CSVRecord? {
        while position < bytes.count {
            lineNumber += 1
            let start = position
            if hasQuotes {
                guard let (end, breaks) = quotedRecordEnd(from: start) else {
                    lineNumber -= 1
                    return nil
                }
                let line = lineNumber
                lineNumber += breaks
                var first = start
                while first < end && (bytes[first] == CSVByte.space || bytes[first] == CSVByte.tab) { first += 1 }
                if first == end || bytes[first] == CSVByte.newline || bytes[first] == CSVByte.carriageReturn { continue }
                if let commentPrefix, hasPrefix(commentPrefix, at: first, before: end) { continue }
                return CSVRecord(bytes: bytes, line: line, range: start..<end, delimiter: delimiter)
            }
            // The line ends at the first LF or CR (a CR before an LF belongs to it), found by the
            // C library's vectorized memchr.
            if nextNewline < start { nextNewline = find(CSVByte.newline, from: start) }
            if nextReturn < start { nextReturn = find(CSVByte.carriageReturn, from: start) }
            // A line that may go on in the next piece waits for it.
            if !isComplete && (nextNewline == bytes.count && nextReturn >= bytes.count - 1) {
                lineNumber -= 1
                return nil
            }
            let end: Int
            if nextReturn < nextNewline {
                end = nextReturn
                position = nextReturn + 1 == nextNewline ? nextNewline + 1 : nextReturn + 1
            } else {
                end = nextNewline
                position = nextNewline + 1
            }
            // The first byte that is not a space or a tab; none: a blank line.
            var first = start
            while first < end && (bytes[first] == CSVByte.space || bytes[first] == CSVByte.tab) { first += 1 }
            if first == end { continue }
            if let commentPrefix, hasPrefix(commentPrefix, at: first, before: end) { continue }
            return CSVRecord(bytes: bytes, line: lineNumber, range: start..<end, delimiter: delimiter)
        }
        return nil
    }

    /// The end of the record starting at `start` (its first line end outside quotes, or the end of
    /// the bytes) and the line breaks inside its quotes; moves `position` past its line end. Nil
    /// when the bytes are a piece that may not hold the record's end.
    private mutating func quotedRecordEnd(from start: Int) -> (end: Int, breaks: Int)? {
        var quotes = CSVQuoteState()
        var index = start
        var breaks = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == CSVByte.newline || byte == CSVByte.carriageReturn {
                if byte == CSVByte.carriageReturn && index + 1 == bytes.count && !isComplete { return nil }
                let pairEnd = byte == CSVByte.carriageReturn && index + 1 < bytes.count && bytes[index + 1] == CSVByte.newline ? index + 1 : index
                if !quotes.inQuotes {
                    position = pairEnd + 1
                    return (index, breaks)
                }
                breaks += 1
                index = pairEnd
            } else {
                quotes.read(byte, delimiter: delimiter)
            }
            index += 1
        }
        guard isComplete else { return nil }
        position = bytes.count
        return (bytes.count, breaks)
    }

    /// The index of the first `byte` at or after `start`, or the end of the bytes.
    private func find(_ byte: UInt8, from start: Int) -> Int {
        let base = UnsafeRawPointer(bytes.baseAddress!)
        guard start < bytes.count, let found = memchr(base + start, Int32(byte), bytes.count - start) else { return bytes.count }
        return UnsafeRawPointer(found) - base
    }

    /// Whether the bytes from `start` (and before `end`) begin with `prefix`.
    private func hasPrefix(_ prefix: [UInt8], at start: Int, before end: Int) -> Bool {
        guard end - start >= prefix.count else { return false }
        for (offset, byte) in prefix.enumerated() where bytes[start + offset] != byte { return false }
        return true
    }
}

/// One record of a CSV file: its 1-based (first) line number and the byte range of its text (line
/// ending excluded), with its fields and the numbers in them.
struct CSVRecord {
    /// The whole file; `range` and field ranges index into it.
    let bytes: UnsafeBufferPointer<UInt8>
    /// 1-based line number in the file.
    let line: Int
    /// The record's bytes, without its line end.
    let range: Range<Int>
    /// The byte between fields.
    var delimiter: UInt8 = CSVByte.comma

    /// The byte ranges of the fields, quotes included, in order: one more than the delimiters
    /// outside quotes, some possibly empty.
    var fields: [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        while true {
            let end = fieldEnd(from: start)
            result.append(start..<end)
            if end == range.upperBound { return result }
            start = end + 1
        }
    }

    /// How many fields the record has: the count of ``fields``, without building the list.
    var fieldCount: Int {
        var count = 1
        var start = range.lowerBound
        while true {
            let end = fieldEnd(from: start)
            if end == range.upperBound { return count }
            count += 1
            start = end + 1
        }
    }

    /// The end of the field starting at `start`: the next delimiter outside quotes, or the end of
    /// the record.
    func fieldEnd(from start: Int) -> Int {
        var end = start
        var quotes = CSVQuoteState()
        while end < range.upperBound && (quotes.inQuotes || bytes[end] != delimiter) {
            quotes.read(bytes[end], delimiter: delimiter)
            end += 1
        }
        return end
    }

    /// The whole record as text.
    var text: String { rawText(of: range) }

    /// The most bytes of a record or a field that a message quotes (``DataError`` shows 60
    /// characters of it): 256, room for 60 characters of 4 bytes.
    static let shownByteCount = 256

    /// The record as a message quotes it: ``shownText(of:)`` of its whole range.
    var shownText: String { shownText(of: range) }

    /// The text of `field` as a message quotes it: ``text(of:)`` when the field holds at most
    /// ``shownByteCount`` bytes, else its first ``shownByteCount`` bytes as they are (quotes
    /// and all) and `...`, so that a long field is never copied whole to make a message.
    func shownText(of field: Range<Int>) -> String {
        guard field.count > Self.shownByteCount else { return text(of: field) }
        return rawText(of: field.lowerBound..<field.lowerBound + Self.shownByteCount) + "..."
    }

    /// Whether `field` is quoted: its first byte other than a space is a quote.
    func isQuoted(_ field: Range<Int>) -> Bool {
        var index = field.lowerBound
        while index < field.upperBound && bytes[index] == CSVByte.space { index += 1 }
        return index < field.upperBound && bytes[index] == CSVByte.quote
    }

    /// The text of `field` (invalid UTF-8 replaced): a quoted field's text between its quotes,
    /// doubled quotes as one, or nil when its closing quote is missing or followed by anything
    /// but spaces; an unquoted field as it is.
    func unquotedText(of field: Range<Int>) -> String? {
        guard isQuoted(field) else { return rawText(of: field) }
        var index = field.lowerBound
        while bytes[index] != CSVByte.quote { index += 1 }
        index += 1
        var result: [UInt8] = []
        while index < field.upperBound {
            if bytes[index] == CSVByte.quote {
                if index + 1 < field.upperBound && bytes[index + 1] == CSVByte.quote {
                    result.append(CSVByte.quote)
                    index += 2
                    continue
                }
                index += 1
                while index < field.upperBound && bytes[index] == CSVByte.space { index += 1 }
                return index == field.upperBound ? String(decoding: result, as: UTF8.self) : nil
            }
            result.append(bytes[index])
            index += 1
        }
        return nil
    }

    /// The bytes in `field` as text (invalid UTF-8 replaced); a quoted field between its quotes.
    func text(of field: Range<Int>) -> String {
        unquotedText(of: field) ?? rawText(of: field)
    }

    /// The bytes in `field`, quotes and all, as text (invalid UTF-8 replaced).
    func rawText(of field: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[field]), as: UTF8.self)
    }

    /// The number that fills `field` (spaces and tabs around it allowed; quotes too) and fits
    /// `width`, or nil.
    func number(in field: Range<Int>, fitting width: CSVNumber.Width = .double) -> Double? {
        if isQuoted(field) {
            guard let text = unquotedText(of: field) else { return nil }
            return Self.number(in: text, fitting: width)
        }
        guard let (value, next) = CSVNumber.scan(bytes, from: field.lowerBound, to: field.upperBound, fitting: width, delimiter: delimiter),
              next == field.upperBound else { return nil }
        return value
    }

    /// The number that is all of `text` (spaces and tabs around it allowed) and fits `width`, or nil.
    static func number(in text: String, fitting width: CSVNumber.Width) -> Double? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            CSVRecord(bytes: buffer, line: 0, range: 0..<buffer.count, delimiter: 0).number(in: 0..<buffer.count, fitting: width)
        }
    }

    /// The number of the field starting at `start`, with the field's end (the index of its comma,
    /// or the record's end); nil when the field holds anything but one number that fits a
    /// Double. One pass over the field's bytes, no String.
    @inline(__always)
    func numberField(at start: Int) -> (value: Double, end: Int)? {
        field(at: start, fitting: .double)
    }

    /// ``numberField(at:)`` for a number that must fit a Float (a feature or label of a data file).
    @inline(__always)
    func floatField(at start: Int) -> (value: Double, end: Int)? {
        field(at: start, fitting: .float)
    }

    /// The number of the field at `start` that fits `width`, and the field's end. Always inlined
    /// with a constant `width`, so that the hot loop has no parameter to pass or test.
    @inline(__always)
    private func field(at start: Int, fitting width: CSVNumber.Width) -> (value: Double, end: Int)? {
        guard let (value, next) = CSVNumber.scan(bytes, from: start, to: range.upperBound, fitting: width, delimiter: delimiter),
              next == range.upperBound || bytes[next] == delimiter else { return nil }
        return (value, next)
    }

    /// The error for `field`, the `column`th (1-based) when given, that holds no number that fits
    /// `width`: "empty field", "value out of range for a 32-bit float" (or 64-bit), "not a
    /// number", or for a quoted field "unterminated quoted field" (no closing quote) or "text
    /// after a closing quote" (`"x"y`), with its text.
    /// The field's text is quoted in the message from its first bytes only (``shownText(of:)``).
    func numberError(in field: Range<Int>, column: Int?, file: String, fitting width: CSVNumber.Width = .double) -> DataError {
        let content = quotedContent(of: field)
        let message = isQuoted(field) && content == nil
            ? (closingQuote(of: field) == nil ? "unterminated quoted field" : "text after a closing quote")
            : isBlank(content ?? field) ? "empty field"
            : number(in: field, fitting: .unbounded) != nil ? "value out of range for a \(width.name)" : "not a number"
        return DataError(file: file, line: line, column: column, message: message, text: shownText(of: field))
    }

    /// The bytes between the quotes of a quoted `field` (doubled quotes left doubled), or nil when
    /// the field is not quoted, its closing quote is missing or is followed by anything but spaces
    /// (when ``unquotedText(of:)`` is nil). Nothing is copied.
    private func quotedContent(of field: Range<Int>) -> Range<Int>? {
        guard let end = closingQuote(of: field) else { return nil }
        var index = end + 1
        while index < field.upperBound && bytes[index] == CSVByte.space { index += 1 }
        guard index == field.upperBound else { return nil }
        var start = field.lowerBound
        while bytes[start] != CSVByte.quote { start += 1 }
        return start + 1..<end
    }

    /// The index of the quote that closes a quoted `field` (the first lone quote after its
    /// opening one; `""` is a quote inside), or nil when the field is not quoted or its quotes
    /// are not closed.
    private func closingQuote(of field: Range<Int>) -> Int? {
        guard isQuoted(field) else { return nil }
        var index = field.lowerBound
        while bytes[index] != CSVByte.quote { index += 1 }
        index += 1
        while index < field.upperBound {
            if bytes[index] == CSVByte.quote {
                if index + 1 < field.upperBound && bytes[index + 1] == CSVByte.quote {
                    index += 2
                    continue
                }
                return index
            }
            index += 1
        }
        return nil
    }

    /// Whether the bytes of `range` decode to whitespace only (tabs and the Unicode space
    /// separators, as ``Swift/String/trimmingSpaces`` trims), read in place.
    private func isBlank(_ range: Range<Int>) -> Bool {
        var iterator = UnsafeBufferPointer(rebasing: bytes[range]).makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar):
                guard scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator else { return false }
            case .emptyInput:
                return true
            case .error:
                return false
            }
        }
    }
}

/// Whether a walk over a record's bytes is inside quotes, as RFC 4180 has them: a quote opens
/// only at the start of a field (after spaces), so that a quote inside an unquoted field (`5'11"`)
/// is text; inside quotes, a quote closes them unless another follows (`""` is one quote).
struct CSVQuoteState {
    /// Inside a quoted field.
    private(set) var inQuotes = false
    /// At the start of a field: only spaces since the record's start or a delimiter.
    private var atFieldStart = true
    /// Just after a quote that closed quotes (a quote here is a doubled one).
    private var justClosed = false

    /// Takes the next byte (not a line end outside quotes).
    mutating func read(_ byte: UInt8, delimiter: UInt8) {
        if inQuotes {
            if byte == CSVByte.quote { inQuotes = false; justClosed = true }
            return
        }
        if byte == CSVByte.quote && (atFieldStart || justClosed) {
            inQuotes = true
            atFieldStart = false
            justClosed = false
            return
        }
        justClosed = false
        atFieldStart = byte == delimiter || (atFieldStart && byte == CSVByte.space)
    }
}

/// The byte values the CSV walk compares against, as literals so hot loops compare against
/// constants.
enum CSVByte {
    static let comma: UInt8 = 0x2C, newline: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20, tab: UInt8 = 0x09, minus: UInt8 = 0x2D, plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E, lowerE: UInt8 = 0x65, upperE: UInt8 = 0x45
    static let quote: UInt8 = 0x22, semicolon: UInt8 = 0x3B
}

extension String {
    /// The string without leading and trailing whitespace.
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}
