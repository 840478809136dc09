import Foundation

/// A CSV file's bytes held one piece at a time (gzip inflated, through ``ByteStream``): a buffer
/// of ``pieceSize`` bytes that starts with the unread tail of the previous piece, so that a
/// record never needs the whole file in memory. The buffer grows (doubling) only for a record
/// longer than it. A gzip file is inflated on another thread while the pieces are parsed
/// (``ReadAhead``).
final class CSVSource {
    /// Bytes read into the buffer at a time: 512 KiB, which stays in a core's L2 cache while it
    /// is parsed.
    static let defaultPieceSize = 1 << 19

    /// The file's name in messages.
    let name: String
    /// The inflated size of the file if known in advance (maybe roughly, ``ByteStream/expectedSize``).
    let expectedSize: Int?
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

    /// Opens `path` (`-`: standard input) and reads its first piece of `pieceSize` bytes (at least 4).
    init(path: String, pieceSize: Int = CSVSource.defaultPieceSize) throws {
        stream = try ByteStream(path: path)
        name = stream.name
        expectedSize = stream.expectedSize
        readAhead = stream.isCompressed ? ReadAhead(stream) : nil
        capacity = max(pieceSize, 4)
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

    /// Drops the bytes of the piece before `start` (in ``bytes``) and reads the next ones after
    /// those kept; a piece that is kept whole doubles in size first. Records taken from the piece
    /// before are no longer valid.
    func advance(keepingFrom start: Int) throws {
        precondition(start <= filled && !isComplete)
        let kept = filled - start
        if start > 0 { memmove(buffer, buffer + start, kept) }
        offset += start
        filled = kept
        if filled == capacity {
            guard let grown = realloc(buffer, 2 * capacity) else {
                throw DataError(file: name, message: "out of memory for a record longer than \(capacity) bytes")
            }
            buffer = grown
            capacity *= 2
        }
        try read()
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
            if let record = reader.next() { return record }
            if reader.isComplete { return nil }
            try source.advance(keepingFrom: reader.position)
            reader = source.reader(delimiter: delimiter, commentPrefix: commentPrefix, linesBefore: reader.lineNumber)
        }
    }
}
