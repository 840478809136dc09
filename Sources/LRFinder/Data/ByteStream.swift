import CZlib
import Foundation

/// The bytes of a file read front to back in pieces of the caller's size, gzip (magic 1f 8b)
/// inflated on the way whatever the name, so that a large file is never held whole.
///
/// A regular file is read with `read(2)` as it is consumed. Anything else (a pipe, a FIFO,
/// `/dev/fd/N`, standard input as `-`, a character device) can be read only once, so its bytes
/// are read whole and kept by ``FileBytes`` (a second reading gives the same bytes) and served
/// from memory.
final class ByteStream {
    /// Where the stored (maybe compressed) bytes come from.
    private enum Source {
        /// An open file, closed at the end.
        case descriptor(Int32)
        /// Bytes in memory, read from `offset` on.
        case memory([UInt8], offset: Int)
    }

    /// The file's name in messages.
    let name: String
    /// The size of the inflated bytes if known in advance, maybe only roughly: a regular file's
    /// size; a gzip file's trailer (the last member's size modulo 2^32, within what deflate can
    /// reach); a stream's kept bytes.
    private(set) var expectedSize: Int?
    private var source: Source
    /// Stored bytes read ahead of `inflater` (or, for a plain file, the first bytes read to see
    /// the magic): `pending[pendingStart..<pendingEnd]`.
    private var pending: [UInt8]
    private var pendingStart = 0, pendingEnd = 0
    /// Whether the source has no more stored bytes.
    private var sourceEnded = false
    /// The gzip state; nil for a plain file.
    private var inflater: UnsafeMutablePointer<z_stream>?
    /// After the end of a gzip member: the next bytes start another member or end the data.
    private var memberEnded = false
    /// Whether every byte has been given out.
    private(set) var isAtEnd = false
    /// Whether the file is gzip data, inflated on the way.
    private(set) var isCompressed = false

    /// Compressed bytes read from the source at a time.
    private static let inputChunkSize = 1 << 18

    /// Opens `path` (`-`: standard input).
    init(path: String) throws {
        name = FileBytes.displayName(path)
        pending = []
        if let kept = FileBytes.keptBytes(for: path) {
            source = .memory(kept, offset: 0)
            expectedSize = kept.count
            return
        }
        let (descriptor, status) = try Self.open(path, name: name)
        let type = status.st_mode & S_IFMT
        if type != S_IFREG || descriptor == STDIN_FILENO {
            // A stream, or standard input even when it is redirected from a regular file (it is
            // open once, and a second reader would start where the first stopped): read whole
            // once, inflated, and kept.
            let displayName = name
            let raw = Result { try Self.readToEnd(descriptor, name: displayName, sizeHint: 1 << 16) }
            if descriptor != STDIN_FILENO { close(descriptor) }
            let rawBytes = try raw.get()
            let bytes = Self.isGzip(rawBytes) ? try ByteStream(name: name, memory: rawBytes).readToEnd() : rawBytes
            FileBytes.keep(bytes, for: path)
            source = .memory(bytes, offset: 0)
            expectedSize = bytes.count
            return
        }
        source = .descriptor(descriptor)
        pending = [UInt8](repeating: 0, count: Self.inputChunkSize)
        try fillPending(minimum: 2)
        let size = Int(status.st_size)
        if Self.isGzip(pending, to: pendingEnd) {
            var trailer = [UInt8](repeating: 0, count: 4)
            let trailerRead = size >= 4 ? pread(descriptor, &trailer, 4, off_t(size - 4)) : 0
            let isize = trailerRead == 4 ? trailer.reversed().reduce(0) { $0 << 8 | Int($1) } : 0
            expectedSize = isize > 0 ? min(isize, size * 1032) : nil
            try startInflating()
        } else {
            expectedSize = size
        }
    }

    /// A stream over gzip bytes in memory.
    private init(name: String, memory: [UInt8]) throws {
        self.name = name
        source = .memory(memory, offset: 0)
        pending = [UInt8](repeating: 0, count: Self.inputChunkSize)
        expectedSize = nil
        try startInflating()
    }

    deinit {
        if let inflater {
            inflateEnd(inflater)
            inflater.deallocate()
        }
        if case let .descriptor(descriptor) = source, descriptor != STDIN_FILENO { close(descriptor) }
    }

    /// Whether `bytes[start..<end]` (by default all of them) start with gzip's magic (1f 8b).
    static func isGzip(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) -> Bool {
        (end ?? bytes.count) - start >= 2 && bytes[start] == 0x1F && bytes[start + 1] == 0x8B
    }

    /// Fills `buffer` with the next bytes; fewer than its size only at the end of the data (then
    /// ``isAtEnd`` is true).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var count = 0
        while count < buffer.count && !isAtEnd {
            let part = UnsafeMutableRawBufferPointer(rebasing: buffer[count...])
            let produced = inflater == nil ? try readPlain(into: part) : try inflate(into: part)
            if produced == 0 { isAtEnd = true }
            count += produced
        }
        return count
    }

    /// All the remaining bytes.
    func readToEnd() throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: ProcessMemory.reservation(max(expectedSize ?? 0, 1 << 16) + 1))
        var count = 0
        while !isAtEnd {
            if count == bytes.count { try Self.grow(&bytes, name: name) }
            count += try bytes.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[count...])) }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    // MARK: Stored bytes

    /// Up to `buffer.count` stored bytes (0 at the end).
    private func readSource(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !sourceEnded, buffer.count > 0 else { return 0 }
        switch source {
        case let .descriptor(descriptor):
            while true {
                let count = Foundation.read(descriptor, buffer.baseAddress!, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { throw DataError(file: name, message: "cannot read the file (\(String(cString: strerror(errno))))") }
                if count == 0 { sourceEnded = true }
                return count
            }
        case let .memory(bytes, offset):
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            source = .memory(bytes, offset: offset + count)
            if count == 0 { sourceEnded = true }
            return count
        }
    }

    /// Reads stored bytes into `pending` until it holds at least `minimum` or the source ends,
    /// moving what it holds to its front first.
    private func fillPending(minimum: Int) throws {
        guard pendingEnd - pendingStart < minimum else { return }
        if pendingStart > 0 {
            pending.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + pendingStart, byteCount: pendingEnd - pendingStart) }
            pendingEnd -= pendingStart
            pendingStart = 0
        }
        while pendingEnd < minimum {
            let count = try pending.withUnsafeMutableBytes { try readSource(into: UnsafeMutableRawBufferPointer(rebasing: $0[pendingEnd...])) }
            if count == 0 { return }
            pendingEnd += count
        }
    }

    /// A plain file's next bytes: those read ahead first, then straight from the source.
    private func readPlain(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if pendingStart < pendingEnd {
            let count = min(buffer.count, pendingEnd - pendingStart)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + pendingStart, byteCount: count) }
            pendingStart += count
            return count
        }
        return try readSource(into: buffer)
    }

    // MARK: Gzip

    /// Sets up zlib for gzip members.
    private func startInflating() throws {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: the largest window, gzip header and trailer.
        guard inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw DataError(file: name, message: "cannot inflate the gzip data (zlib failed to start)")
        }
        inflater = stream
        isCompressed = true
    }

    /// Inflated bytes into `buffer` (0 at the end): every member in turn, as `gunzip` does; bytes
    /// after the last member that do not start another one are ignored.
    private func inflate(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let stream = inflater else { return 0 }
        var produced = 0
        while produced < buffer.count {
            if memberEnded {
                // Another member follows only if its magic bytes do.
                try fillPending(minimum: 2)
                guard Self.isGzip(pending, from: pendingStart, to: pendingEnd) else {
                    inflateEnd(stream)
                    stream.deallocate()
                    inflater = nil
                    sourceEnded = true
                    pendingStart = pendingEnd
                    return produced
                }
                inflateReset(stream)
                memberEnded = false
            }
            try fillPending(minimum: 1)
            let available = pendingEnd - pendingStart
            let status = pending.withUnsafeMutableBufferPointer { input in
                stream.pointee.next_in = input.baseAddress! + pendingStart
                stream.pointee.avail_in = UInt32(available)
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
                stream.pointee.avail_out = UInt32(min(buffer.count - produced, Int(UInt32.max)))
                let outputBefore = stream.pointee.avail_out
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                pendingStart += available - Int(stream.pointee.avail_in)
                produced += Int(outputBefore - stream.pointee.avail_out)
                return status
            }
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK:
                continue
            case Z_BUF_ERROR where available == 0 && sourceEnded:
                throw DataError(file: name, message: "corrupt gzip data (truncated)")
            case Z_BUF_ERROR:
                continue
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataError(file: name, message: "corrupt gzip data (\(reason))")
            }
        }
        return produced
    }

    /// The open file at `path` (`-`: standard input, not to be closed) and its status; a
    /// directory is an error.
    static func open(_ path: String, name: String) throws -> (descriptor: Int32, status: stat) {
        let descriptor = path == FileBytes.standardInput ? STDIN_FILENO : Foundation.open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataError(file: name, message: errno == ENOENT ? "no such file" : "cannot open the file (\(String(cString: strerror(errno))))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor != STDIN_FILENO { close(descriptor) }
            throw DataError(file: name, message: "cannot read the file (\(reason))")
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            if descriptor != STDIN_FILENO { close(descriptor) }
            throw DataError(file: name, message: "is a directory, not a data file")
        }
        return (descriptor, status)
    }

    /// Doubles `bytes`, refusing a size the process cannot hold (``ProcessMemory/checkFits(_:file:)``).
    private static func grow(_ bytes: inout [UInt8], name: String) throws {
        try ProcessMemory.checkFits(bytes.count * 2, file: name)
        bytes.append(contentsOf: repeatElement(0, count: bytes.count))
    }

    /// Every byte of an open file, read until its end in growing pieces, the first of `sizeHint`
    /// bytes (at most ``ProcessMemory/reservation(_:)``).
    static func readToEnd(_ descriptor: Int32, name: String, sizeHint: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(ProcessMemory.reservation(sizeHint), 1))
        var count = 0
        while true {
            if count == bytes.count { try grow(&bytes, name: name) }
            let read = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if read < 0 {
                if errno == EINTR { continue }
                throw DataError(file: name, message: "cannot read the file (\(String(cString: strerror(errno))))")
            }
            if read == 0 { break }
            count += read
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}
