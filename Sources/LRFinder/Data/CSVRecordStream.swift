import Foundation

/// A CSV file's bytes held one piece at a time (gzip inflated, through ``ByteStream``): a buffer
/// of ``pieceSize`` bytes that starts with the unread tail of the previous piece, so that a
/// record never needs the whole file in memory. The buffer grows (doubling) only for a record
/// longer than it, and never past ``maximumRecordLength``: a longer record (a binary file, a
/// quote left open) is refused naming its line once that many bytes of it are read. A gzip file
/// is inflated on another thread while the pieces are parsed (``ReadAhead``).
final class CSVSource {
    /// Bytes read into the buffer at a time: 512 KiB, which stays in a core's L2 cache while it
    /// is parsed.
    static let defaultPieceSize = 1 << 19
    /// The most bytes a record may hold, its line end excluded (a quoted field's line breaks
    /// included): 64 MiB, room for a million columns of 60-byte fields.
    static let defaultMaximumRecordLength = 64 << 20

    /// The file's name in messages.
    let name: String
    /// The inflated size of the file if known in advance (maybe roughly, ``ByteStream/expectedSize``).
    let expectedSize: Int?
    /// The most bytes a record may hold (``defaultMaximumRecordLength``; tests take less).
    let maximumRecordLength: Int
    /// Up to the first 4 bytes of the file (inflated), for recognising other formats.
    private(set) var leadingBytes: [UInt8] = []
    private let stream: ByteStream
    /// The inflating thread of a gzip file.
    private let readAhead: ReadAhead?
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var filled = 0
    /// Where in the file the buffer starts.
    private(set) var offset = 0
    /// Whether the first bytes are checked to be text as they are read (``checkText()``).
    private var checksText = false

    /// Opens `path` (`-`: standard input) and reads its first piece of `pieceSize` bytes (at least
    /// 4, at most 2 more than `maximumRecordLength`), refusing records longer than `maximumRecordLength`.
    init(path: String, pieceSize: Int = CSVSource.defaultPieceSize,
         maximumRecordLength: Int = CSVSource.defaultMaximumRecordLength) throws {
        stream = try ByteStream(path: path)
        name = stream.name
        expectedSize = stream.expectedSize
        self.maximumRecordLength = max(maximumRecordLength, 1)
        readAhead = stream.isCompressed ? ReadAhead(stream) : nil
        capacity = min(max(pieceSize, 4), self.maximumRecordLength + 2)
        buffer = malloc(capacity)!
        try read()
        leadingBytes = Array(bytes.prefix(4))
    }

    deinit {
        readAhead?.cancel()
        free(buffer)
    }

    /// The bytes of the current piece.
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: filled)
    }

    /// Whether the current piece runs to the end of the file.
    var isComplete: Bool { readAhead?.isAtEnd ?? stream.isAtEnd }

    /// Checks now that the first 4 KiB of the file are text (``CSVReader/checkText(_:file:)``), and
    /// later as they are read.
    func checkText() throws {
        checksText = true
        try checkTextRead(from: 0)
    }

    /// Whether the piece is as large as a record may be: it holds at least ``maximumRecordLength``
    /// bytes (so that reading further for records that all end in it is no longer needed).
    var isFull: Bool { filled >= maximumRecordLength }

    /// Drops the bytes of the piece before `start` (in ``bytes``) and reads the next ones after
    /// those kept; a piece that is kept whole doubles in size first (up to 2 bytes more than
    /// ``maximumRecordLength``, room for the longest record and its CRLF). With `recordLine`, the
    /// kept bytes are the start of one record, on that line: longer than ``maximumRecordLength``
    /// (a CR at their end aside, which may start its line end), it is refused. Records taken from
    /// the piece before are no longer valid.
    func advance(keepingFrom start: Int, recordLine: Int? = nil) throws {
        precondition(start <= filled && !isComplete)
        let kept = filled - start
        // The record's bytes so far: a CR at the end of the piece may be the start of a CRLF.
        let recordLength = kept > 0 && bytes[filled - 1] == CSVByte.carriageReturn ? kept - 1 : kept
        if let recordLine, recordLength > maximumRecordLength {
            throw recordTooLong(line: recordLine, from: start)
        }
        if start > 0 { memmove(buffer, buffer + start, kept) }
        offset += start
        filled = kept
        if filled == capacity {
            // Only the bytes of one record (or those of the first records, to detect the
            // delimiter) fill the buffer: it grows, but never past the longest record.
            let grownCapacity = min(2 * capacity, maximumRecordLength + 2)
            guard grownCapacity > capacity else {
                throw recordTooLong(line: recordLine ?? 1, from: 0)
            }
            guard let grown = realloc(buffer, grownCapacity) else {
                throw DataError(file: name, message: "out of memory for a piece of \(grownCapacity) bytes")
            }
            buffer = grown
            capacity = grownCapacity
        }
        try read()
    }

    /// "record longer than 64 MiB" for the record on `line` that starts at `start` in the piece,
    /// with a guess at the cause: a quote left open when the record holds one, else a file that
    /// is not CSV text.
    func recordTooLong(line: Int, from start: Int) -> DataError {
        let limit = maximumRecordLength
        let shown = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
        let hasQuote = filled > start && memchr(buffer + start, Int32(CSVByte.quote), filled - start) != nil
        return DataError(file: name, line: line,
                         message: "record longer than \(shown), the most one record may hold (\(hasQuote ? "a quoted field left open?" : "not a CSV file?"))")
    }

    /// The records of the file from the current piece on, fields separated by `delimiter`.
    func records(delimiter: UInt8, commentPrefix: String? = nil) -> CSVRecordStream {
        CSVRecordStream(source: self, delimiter: delimiter, commentPrefix: commentPrefix.map { Array($0.utf8) })
    }

    /// A reader of the current piece that starts at its start, after `linesBefore` lines.
    func reader(delimiter: UInt8, commentPrefix: [UInt8]?, linesBefore: Int) -> CSVReader {
        CSVReader(bytes: bytes, commentPrefix: commentPrefix, delimiter: delimiter, isComplete: isComplete,
                  linesBefore: linesBefore, atFileStart: offset == 0)
    }

    /// Fills the buffer after its first `filled` bytes (to its end unless the file ends first).
    private func read() throws {
        let before = filled
        let room = UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled)
        filled += try readAhead?.read(into: room) ?? stream.read(into: room)
        if checksText { try checkTextRead(from: before) }
    }

    /// Checks the bytes of the piece from `start` on that lie in the file's first 4 KiB.
    private func checkTextRead(from start: Int) throws {
        let end = min(filled, CSVReader.textCheckLength - offset)
        guard start < end else { return }
        try CSVReader.checkText(UnsafeBufferPointer(rebasing: bytes[start..<end]), file: name)
    }
}

/// The records of a ``CSVSource``, as ``CSVReader`` gives those of bytes in memory: each record
/// is valid until the next call to ``next()``, which may read the next piece of the file over it.
struct CSVRecordStream {
    private let source: CSVSource
    private let delimiter: UInt8
    private let commentPrefix: [UInt8]?
    private var reader: CSVReader

    /// The records of `source` from its current piece on.
    init(source: CSVSource, delimiter: UInt8, commentPrefix: [UInt8]?) {
        self.source = source
        self.delimiter = delimiter
        self.commentPrefix = commentPrefix
        reader = source.reader(delimiter: delimiter, commentPrefix: commentPrefix, linesBefore: 0)
    }

    /// The next record that is neither blank nor a comment, or nil at the end of the file.
    mutating func next() throws -> CSVRecord? {
        while true {
            if let record = reader.next() {
                // A record that ends in the piece may still be longer than the limit by its line end's 2 bytes.
                guard record.range.count <= source.maximumRecordLength else {
                    throw source.recordTooLong(line: record.line, from: record.range.lowerBound)
                }
                return record
            }
            if reader.isComplete { return nil }
            // The record that does not end in the piece starts on the line after the last one read.
            try source.advance(keepingFrom: reader.position, recordLine: reader.lineNumber + 1)
            reader = source.reader(delimiter: delimiter, commentPrefix: commentPrefix, linesBefore: reader.lineNumber)
        }
    }
}

/// The records of a file as a sequence (``CSVReader/withFile(_:commentPrefix:_:)``): a
/// ``CSVRecordStream`` whose error, if reading fails, ends the sequence and is kept in
/// ``error``. Copies share one stream; each record is valid until the next is asked for.
struct CSVFileRecords: Sequence, IteratorProtocol {
    /// The stream and its error, shared by the copies.
    private final class State {
        /// The records being read.
        var stream: CSVRecordStream
        /// Why the records ended early, if they did.
        var error: Error?

        /// The state of reading `stream`.
        init(_ stream: CSVRecordStream) { self.stream = stream }
    }

    /// The state every copy reads from.
    private let state: State

    /// The records of `stream`.
    init(_ stream: CSVRecordStream) { state = State(stream) }

    /// Why the records ended before the end of the file; nil when they did not.
    var error: Error? { state.error }

    /// The next record, or nil at the end of the file or after a read error (kept in ``error``).
    mutating func next() -> CSVRecord? {
        guard state.error == nil else { return nil }
        do {
            return try state.stream.next()
        } catch {
            state.error = error
            return nil
        }
    }
}
