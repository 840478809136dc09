import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a whole file so that no reader ever sees part of it: the bytes go to a new
/// temporary file in the target's folder, which is flushed and then renamed over the target.
/// POSIX `rename(2)` replaces the target atomically within one file system, so a reader opens
/// either the old file or the new one; a failure removes the temporary file and leaves the
/// target as it was. Only files are replaced: a symbolic link is written through (its target is
/// replaced, in the target's folder), and a device, pipe or socket, or the file this process
/// has open as standard output or error, is written in place (see ``OutputDestination``).
public enum AtomicFile {
    /// A file that could not be written: one line naming it and the system's reason.
    public struct WriteError: Error, Equatable, CustomStringConvertible {
        /// The file that was to be written.
        public let path: String
        /// Why not, as the system says it (`strerror`), or `no such folder F`.
        public let reason: String

        /// `cannot write PATH: REASON`.
        public var description: String { "cannot write \(path): \(reason)" }

        /// A failure to write `path` for `reason`.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// Writes `bytes` to `path`: a new or regular file is replaced atomically, anything else is
    /// written in place, as ``OutputDestination`` finds it.
    ///
    /// The temporary file is `.NAME.PID.RANDOM.tmp` beside the target, created exclusively, written
    /// in full, `fsync`ed (so a crash cannot leave an empty file under the target's name) and
    /// renamed over it. The new file has the default permissions (0666 less the umask). A stream
    /// is opened for writing (blocking until a pipe has a reader) and written; standard output or
    /// error is written through its descriptor after C stdio's buffers are flushed.
    /// - Throws: `WriteError` naming `path` and the reason (`No space left on device` from
    ///   `/dev/full`, say); no temporary file is left behind.
    public static func write(_ bytes: some ContiguousBytes, to path: String) throws {
        let destination: OutputDestination
        do { destination = try OutputDestination(path) } catch let error as OutputDestination.PathError {
            throw WriteError(path: path, reason: error.reason)
        }
        let failure: Int32?
        switch destination.kind {
        case .newFile, .regularFile:
            try replace(destination.target, with: bytes, reportingAs: path)
            return
        case .stream:
            let descriptor = open(path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC)
            guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
            var code = bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
            if close(descriptor) != 0, code == nil, errno != EINTR { code = errno }
            failure = code
        case .descriptor(let descriptor):
            fflush(nil)
            failure = bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
        }
        if let failure { throw WriteError(path: path, reason: String(cString: strerror(failure))) }
    }

    /// Writes `bytes` to a temporary file in `target`'s folder and renames it over `target`.
    private static func replace(_ target: String, with bytes: some ContiguousBytes, reportingAs path: String) throws {
        let slash = target.lastIndex(of: "/")
        let folderPrefix = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var temporary = "", descriptor: Int32 = -1
        for _ in 0..<8 {
            let random = String(UInt64.random(in: .min ... .max), radix: 36)
            temporary = folderPrefix + ".\(name).\(getpid()).\(random).tmp"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            let code = errno, folder = OutputDestination.folder(of: target)
            throw WriteError(path: path, reason: code == ENOENT && access(folder, F_OK) != 0 ? "no such folder \(folder)" : String(cString: strerror(code)))
        }
        var failure: Int32? = bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
        if failure == nil, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == nil { failure = errno }
        if failure == nil, rename(temporary, target) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// Writes all of `buffer` to `descriptor`, resuming after partial writes and interrupts;
    /// nil on success, else the `errno` of the failure.
    private static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        var offset = 0
        while offset < buffer.count {
            let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
}

/// `write(2)`, which `AtomicFile.write` hides inside the type.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
