import Foundation

/// Walks CSV bytes (already inflated) record by record: one record per line ended by LF or
/// CRLF (the last line may lack it), fields separated by commas. Blank lines (spaces and tabs
/// only) are skipped, and so are lines whose first non-blank bytes are the comment prefix,
/// when one is given. No quoting: a comma always separates fields.
struct CSVReader: Sequence, IteratorProtocol {
    /// The whole file.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The bytes that start a comment line, after any spaces and tabs; nil: no comments.
    let commentPrefix: [UInt8]?
    /// Where the next line starts.
    private var position = 0
    /// 1-based number of the line read last.
    private var lineNumber = 0

    /// A reader of `bytes` that skips lines starting with `commentPrefix` (when given).
    init(bytes: UnsafeBufferPointer<UInt8>, commentPrefix: String? = nil) {
        self.bytes = bytes
        self.commentPrefix = commentPrefix.map { Array($0.utf8) }
    }

    /// Reads the file at `path` (gzip inflated) and gives `body` a reader of its bytes.
    static func withFile<Result>(_ path: String, commentPrefix: String? = nil,
                                 _ body: (CSVReader) throws -> Result) throws -> Result {
        let bytes = try FileBytes.read(path)
        return try bytes.withUnsafeBufferPointer { try body(CSVReader(bytes: $0, commentPrefix: commentPrefix)) }
    }

    /// The next record that is neither blank nor a comment, or nil at the end of the bytes.
    mutating func next() -> CSVRecord? {
        while position < bytes.count {
            lineNumber += 1
            let start = position
            // The line's end: the next LF (found by the C library's vectorized memchr), or the end.
            let base = UnsafeRawPointer(bytes.baseAddress!)
            var end = bytes.count
            if let newline = memchr(base + start, Int32(CSVByte.newline), bytes.count - start) {
                end = UnsafeRawPointer(newline) - base
            }
            position = end + 1
            if end > start && bytes[end - 1] == CSVByte.carriageReturn { end -= 1 }
            // The first byte that is not a space or a tab; none: a blank line.
            var first = start
            while first < end && (bytes[first] == CSVByte.space || bytes[first] == CSVByte.tab) { first += 1 }
            if first == end { continue }
            if let commentPrefix, hasPrefix(commentPrefix, at: first, before: end) { continue }
            return CSVRecord(bytes: bytes, line: lineNumber, range: start..<end)
        }
        return nil
    }

    /// Whether the bytes from `start` (and before `end`) begin with `prefix`.
    private func hasPrefix(_ prefix: [UInt8], at start: Int, before end: Int) -> Bool {
        guard end - start >= prefix.count else { return false }
        for (offset, byte) in prefix.enumerated() where bytes[start + offset] != byte { return false }
        return true
    }
}

/// One line of a CSV file: its 1-based line number and the byte range of its text (line ending
/// excluded), with its fields and the numbers in them.
struct CSVRecord {
    /// The whole file; `range` and field ranges index into it.
    let bytes: UnsafeBufferPointer<UInt8>
    /// 1-based line number in the file.
    let line: Int
    /// The record's bytes, without the LF and a CR before it.
    let range: Range<Int>

    /// The byte ranges of the comma-separated fields, in order: one more than the commas, some
    /// possibly empty.
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

    /// The end of the field starting at `start`: the next comma, or the end of the record.
    func fieldEnd(from start: Int) -> Int {
        var end = start
        while end < range.upperBound && bytes[end] != CSVByte.comma { end += 1 }
        return end
    }

    /// The whole record as text.
    var text: String { text(of: range) }

    /// The bytes in `field` as text (invalid UTF-8 replaced).
    func text(of field: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[field]), as: UTF8.self)
    }

    /// The number that fills `field` (spaces and tabs around it allowed), or nil.
    func number(in field: Range<Int>) -> Double? {
        guard let (value, next) = CSVNumber.scan(bytes, from: field.lowerBound, to: field.upperBound),
              next == field.upperBound else { return nil }
        return value
    }

    /// The number of the field starting at `start`, with the field's end (the index of its comma,
    /// or the record's end); nil when the field holds anything but one number. One pass over the
    /// field's bytes, no String.
    @inline(__always)
    func numberField(at start: Int) -> (value: Double, end: Int)? {
        guard let (value, next) = CSVNumber.scan(bytes, from: start, to: range.upperBound),
              next == range.upperBound || bytes[next] == CSVByte.comma else { return nil }
        return (value, next)
    }

    /// The error for `field`, the `column`th (1-based) when given, that holds no number: "empty
    /// field" or "not a number", with its text.
    func numberError(in field: Range<Int>, column: Int?, file: String) -> DataError {
        let text = text(of: field)
        return DataError(file: file, line: line, column: column,
                         message: text.trimmingSpaces.isEmpty ? "empty field" : "not a number", text: text)
    }
}

/// The byte values the CSV walk compares against, as literals so hot loops compare against
/// constants.
enum CSVByte {
    static let comma: UInt8 = 0x2C, newline: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20, tab: UInt8 = 0x09, minus: UInt8 = 0x2D, plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E, lowerE: UInt8 = 0x65, upperE: UInt8 = 0x45
}

extension String {
    /// The string without leading and trailing whitespace.
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}
