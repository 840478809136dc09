import Foundation

/// Reading a whole file into memory, inflating it when it is gzip-compressed (through
/// ``ByteStream``).
///
/// Any readable file works: a regular file is read as it is consumed; anything else (a pipe, a FIFO,
/// `/dev/fd/N` from a shell's `<(...)`, a character device such as `/dev/null`) is read as a stream
/// until its end. The path `-` is standard input. Gzip is recognised by its magic bytes, not by the
/// name, so a compressed stream works as a compressed file does.
///
/// A stream can be read only once, so the bytes of every file that is not a regular file are kept
/// (per path, for the life of the process): reading it again, as a recipe's content digest does,
/// gives the same bytes.
enum FileBytes {
    /// The path that stands for standard input.
    static let standardInput = "-"

    /// The name of `path` in messages: `standard input` for `-`, the path as given otherwise.
    static func displayName(_ path: String) -> String {
        path == standardInput ? "standard input" : path
    }

    /// The file's bytes; gzip (magic 1f 8b) is inflated whatever the name. ``ByteStream`` reads
    /// a file in pieces instead.
    static func read(_ path: String) throws -> [UInt8] {
        let stream = try ByteStream(path: path)
        return try keptBytes(for: path) ?? stream.readToEnd()
    }

    /// The bytes as stored (gzip not inflated).
    static func readRaw(_ path: String, name: String) throws -> [UInt8] {
        let (descriptor, status) = try ByteStream.open(path, name: name)
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        let isRegular = status.st_mode & S_IFMT == S_IFREG
        if isRegular { try ProcessMemory.checkFits(Int(status.st_size), file: name) }
        // A regular file is read in one piece of its size (plus one byte, to see its end).
        return try ByteStream.readToEnd(descriptor, name: name, sizeHint: isRegular ? Int(status.st_size) + 1 : 1 << 16)
    }

    /// Feeds the file's bytes (inflated) to `hasher`, read in pieces.
    static func digest(_ path: String, into hasher: inout SHA256) throws {
        let stream = try ByteStream(path: path)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while !stream.isAtEnd {
            let count = try stream.read(into: chunk)
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
    }

    /// The bytes kept from the stream at `path`, if it was read.
    static func keptBytes(for path: String) -> [UInt8]? { StreamStore.shared.bytes(for: path) }

    /// Keeps the bytes read from the stream at `path` (it can be read only once).
    static func keep(_ bytes: [UInt8], for path: String) { StreamStore.shared.keep(bytes, for: path) }
}

/// The bytes of the streams read so far (files that are not regular files can be read only once),
/// by path.
private final class StreamStore: @unchecked Sendable {
    /// The process's store.
    static let shared = StreamStore()
    /// Guards `kept`.
    private let lock = NSLock()
    /// The bytes of each stream read, by path.
    private var kept: [String: [UInt8]] = [:]

    /// The bytes read from the stream at `path`, if it was read.
    func bytes(for path: String) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        return kept[path]
    }

    /// Keeps the bytes read from the stream at `path`.
    func keep(_ bytes: [UInt8], for path: String) {
        lock.lock()
        defer { lock.unlock() }
        kept[path] = bytes
    }
}
