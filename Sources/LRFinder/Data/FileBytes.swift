import CZlib
import Foundation

/// Reading a whole file into memory, inflating it when it is gzip-compressed.
///
/// Any readable file works: a regular file is read in one piece of its size; anything else (a pipe,
/// a FIFO, `/dev/fd/N` from a shell's `<(...)`, a character device such as `/dev/null`) is read as a
/// stream until its end. The path `-` is standard input. Gzip is recognised by its magic bytes, not
/// by the name, and inflated in memory, so a compressed stream works as a compressed file does.
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

    /// The file's bytes; gzip (magic 1f 8b) is inflated whatever the name.
    static func read(_ path: String) throws -> [UInt8] {
        if let kept = StreamStore.shared.bytes(for: path) { return kept }
        let name = displayName(path)
        let (raw, isRegular) = try readRaw(path, name: name)
        let bytes = raw.count >= 2 && raw[0] == 0x1F && raw[1] == 0x8B ? try inflate(raw, name: name) : raw
        if !isRegular { StreamStore.shared.keep(bytes, for: path) }
        return bytes
    }

    /// The bytes as stored, and whether the file is a regular one.
    static func readRaw(_ path: String, name: String) throws -> (bytes: [UInt8], isRegular: Bool) {
        let descriptor = path == standardInput ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataError(file: name, message: errno == ENOENT ? "no such file" : "cannot open the file (\(String(cString: strerror(errno))))")
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw DataError(file: name, message: "cannot read the file (\(String(cString: strerror(errno))))")
        }
        let type = status.st_mode & S_IFMT
        if type == S_IFDIR { throw DataError(file: name, message: "is a directory, not a data file") }
        let isRegular = type == S_IFREG
        // A regular file is read in one piece of its size (plus one byte, to see its end); a
        // stream in growing chunks. Either way the loop runs to the end, in case the size changed.
        var bytes = [UInt8](repeating: 0, count: isRegular ? Int(status.st_size) + 1 : 1 << 16)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let read = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if read < 0 {
                if errno == EINTR { continue }
                throw DataError(file: name, message: "cannot read the file (\(String(cString: strerror(errno))))")
            }
            if read == 0 { break }
            count += read
        }
        bytes.removeLast(bytes.count - count)
        return (bytes, isRegular)
    }

    /// The decompressed contents of gzip bytes: every member in turn (as `gunzip` does); bytes
    /// after the last member that do not start another one are ignored.
    private static func inflate(_ compressed: [UInt8], name: String) throws -> [UInt8] {
        // The trailer's size (modulo 2^32, of the last member) is the first guess, within what
        // deflate can reach (1032:1); a larger output starts over with twice the room.
        let trailer = compressed.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        var capacity = max(min(trailer + 1, compressed.count * 1032), 1 << 16)
        while true {
            var needsRoom = false
            let bytes = try [UInt8](unsafeUninitializedCapacity: capacity) { output, produced in
                produced = 0
                needsRoom = try inflate(compressed, into: output, produced: &produced, name: name)
            }
            if !needsRoom { return bytes }
            capacity *= 2
        }
    }

    /// Inflates `compressed` into `output`; true when the output ran out of room first.
    private static func inflate(_ compressed: [UInt8], into output: UnsafeMutableBufferPointer<UInt8>, produced: inout Int,
                                name: String) throws -> Bool {
        try compressed.withUnsafeBufferPointer { input in
            var stream = z_stream()
            // 15 + 16: the largest window, gzip header and trailer.
            guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw DataError(file: name, message: "cannot inflate the gzip data (zlib failed to start)")
            }
            defer { inflateEnd(&stream) }
            var consumed = 0
            while true {
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
                stream.next_out = output.baseAddress! + produced
                stream.avail_out = UInt32(min(output.count - produced, Int(UInt32.max)))
                let inputBefore = stream.avail_in, outputBefore = stream.avail_out
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                consumed += Int(inputBefore - stream.avail_in)
                produced += Int(outputBefore - stream.avail_out)
                switch status {
                case Z_STREAM_END:
                    // Another member follows only if its magic bytes do.
                    guard input.count - consumed >= 2, input[consumed] == 0x1F, input[consumed + 1] == 0x8B else { return false }
                    inflateReset(&stream)
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced == output.count:
                    return true
                case Z_BUF_ERROR:
                    throw DataError(file: name, message: "corrupt gzip data (truncated)")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DataError(file: name, message: "corrupt gzip data (\(reason))")
                }
                if produced == output.count { return true }
            }
        }
    }
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
