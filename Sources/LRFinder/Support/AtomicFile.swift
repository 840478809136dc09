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
    /// written in place, as ``OutputDestination`` finds it (see ``write(to:_:)``).
    public static func write(_ bytes: some ContiguousBytes, to path: String) throws {
        try write(to: path) { $0.append(bytes) }
    }

    /// Writes what `produce` appends to `path` as it appends it (through a 64 KiB buffer), so a
    /// file far larger than memory can be written.
    ///
    /// A new or regular file is replaced atomically when `produce` returns: the bytes go to
    /// `.NAME.PID.RANDOM.tmp` beside the target (a link's target: links are written through;
    /// NAME is cut so that the temporary name is never too long),
    /// created exclusively, `fsync`ed (so a crash cannot leave an empty file under the target's
    /// name) and renamed over it; the new file has the default permissions (0666 less the umask).
    /// A stream (device, pipe, socket) is opened for writing (blocking until a pipe has a reader)
    /// and written as the bytes come; standard output or error is written through its descriptor
    /// after C stdio's buffers are flushed.
    /// - Throws: `WriteError` naming `path` and the reason (`No space left on device` from
    ///   `/dev/full`, say), or what `produce` throws; a replaced file is then left as it was and
    ///   no temporary file is left behind.
    public static func write(to path: String, _ produce: (Writer) throws -> Void) throws {
        let destination: OutputDestination
        do { destination = try OutputDestination(path) } catch let error as OutputDestination.PathError {
            throw WriteError(path: path, reason: error.reason)
        }
        switch destination.kind {
        case .newFile, .regularFile:
            try replace(destination.target, reportingAs: path, produce)
        case .stream:
            let descriptor = open(path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC)
            guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
            let writer = Writer(descriptor: descriptor)
            defer { close(descriptor) }
            try produce(writer)
            writer.flush()
            if let failure = writer.failure { throw WriteError(path: path, reason: String(cString: strerror(failure))) }
        case .descriptor(let descriptor):
            fflush(nil)
            let writer = Writer(descriptor: descriptor)
            try produce(writer)
            writer.flush()
            if let failure = writer.failure { throw WriteError(path: path, reason: String(cString: strerror(failure))) }
        }
    }

    /// Writes what `produce` appends to a temporary file in `target`'s folder and renames it over `target`.
    private static func replace(_ target: String, reportingAs path: String, _ produce: (Writer) throws -> Void) throws {
        let slash = target.lastIndex(of: "/")
        let folderPrefix = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var temporary = "", descriptor: Int32 = -1
        for _ in 0..<8 {
            temporary = folderPrefix + temporaryName(for: name)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            let code = errno, folder = OutputDestination.folder(of: target)
            throw WriteError(path: path, reason: code == ENOENT && access(folder, F_OK) != 0 ? "no such folder \(folder)" : String(cString: strerror(code)))
        }
        let writer = Writer(descriptor: descriptor)
        do {
            try produce(writer)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        writer.flush()
        var failure = writer.failure
        if failure == nil, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == nil { failure = errno }
        if failure == nil, rename(temporary, target) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// The longest file name, in bytes, that Linux's file systems take (`NAME_MAX`).
    static let maximumNameLength = 255

    /// The name of a new temporary file for the file named `name`: `.NAME.PID.RANDOM.tmp`, with
    /// NAME cut between two Unicode scalars (never inside a UTF-8 sequence) so that the whole takes at most
    /// ``maximumNameLength`` bytes (any legal target name then has a legal temporary name).
    static func temporaryName(for name: String) -> String {
        let suffix = ".\(getpid()).\(String(UInt64.random(in: .min ... .max), radix: 36)).tmp"
        let room = maximumNameLength - 1 - suffix.utf8.count
        var kept = String.UnicodeScalarView(), used = 0
        for scalar in name.unicodeScalars {
            used += UTF8.width(scalar)
            guard used <= room else { break }
            kept.append(scalar)
        }
        return "." + String(kept) + suffix
    }

    /// The file ``write(to:_:)`` is writing: what is appended goes to its temporary file through
    /// a buffer; the first failure is kept and reported when the file is finished. Valid only
    /// inside the closure it is handed to.
    public final class Writer {
        fileprivate let descriptor: Int32
        fileprivate var buffer: [UInt8] = []
        fileprivate var failure: Int32?
        private static let bufferSize = 1 << 16

        fileprivate init(descriptor: Int32) {
            self.descriptor = descriptor
            buffer.reserveCapacity(Self.bufferSize)
        }

        /// Appends `text` in UTF-8.
        public func append(_ text: String) {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= Self.bufferSize { flush() }
        }

        /// Appends `bytes`.
        public func append(_ bytes: some ContiguousBytes) {
            flush()
            guard failure == nil else { return }
            failure = bytes.withUnsafeBytes { AtomicFile.writeAll($0, to: descriptor) }
        }

        /// Writes out the buffer.
        fileprivate func flush() {
            if failure == nil, !buffer.isEmpty { failure = buffer.withUnsafeBytes { AtomicFile.writeAll($0, to: descriptor) } }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Writes all of `buffer` to `descriptor`, resuming after partial writes and interrupts;
    /// nil on success, else the `errno` of the failure.
    fileprivate static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
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
