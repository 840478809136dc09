import CZlib
import Foundation

/// Reading a whole file into memory, inflating it when it is gzip-compressed.
enum FileBytes {
    /// The file's bytes; gzip (magic 1f 8b) is inflated whatever the extension.
    static func read(_ path: String) throws -> [UInt8] {
        guard let handle = fopen(path, "rb") else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw DataError(file: path, message: reason)
        }
        var magic = [UInt8](repeating: 0, count: 2)
        let magicCount = fread(&magic, 1, 2, handle)
        fclose(handle)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw DataError(file: path, message: "is a directory, not a data file")
        }
        if magicCount == 2 && magic[0] == 0x1F && magic[1] == 0x8B {
            return try inflate(path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, message: "cannot read the file")
        }
        return [UInt8](data)
    }

    /// The decompressed contents of a gzip file, read through zlib in 1 MiB chunks.
    private static func inflate(_ path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else { throw DataError(file: path, message: "cannot open the gzip file") }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 20)
        var bytes: [UInt8] = []
        let chunk = 1 << 20
        while true {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: chunk))
            let read = bytes.withUnsafeMutableBufferPointer { gzread(file, $0.baseAddress! + start, UInt32(chunk)) }
            if read < 0 {
                var code: Int32 = 0
                let reason = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
                throw DataError(file: path, message: "corrupt gzip data (\(reason))")
            }
            bytes.removeLast(chunk - Int(read))
            if read == 0 { break }
        }
        // zlib reports a stream cut short only through gzerror after end of input.
        var code: Int32 = 0
        _ = gzerror(file, &code)
        if code != Z_OK && code != Z_STREAM_END {
            throw DataError(file: path, message: "corrupt gzip data (truncated)")
        }
        return bytes
    }
}
