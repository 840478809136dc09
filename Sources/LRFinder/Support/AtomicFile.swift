import Foundation
import Synchronization
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
    /// name) and renamed over it. A replaced file's mode carries over to the new one, and its owner
    /// and group where the system permits; a new file has the default permissions (0666 less the
    /// umask). While it is written the temporary file is registered with ``TemporaryFiles``, so
    /// that a signal handler that ends the process can remove it.
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

    /// Writes what `produce` appends to a temporary file in `target`'s folder and renames it over
    /// `target`, with the mode, owner and group of the file it replaces.
    private static func replace(_ target: String, reportingAs path: String, _ produce: (Writer) throws -> Void) throws {
        let slash = target.lastIndex(of: "/")
        let folderPrefix = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        // The file being replaced, if any: its mode, owner and group go to the new file.
        var old = stat()
        let replaced = stat(target, &old) == 0 && old.st_mode & S_IFMT == S_IFREG
        // Register each name before the file exists, so that no signal finds a file it cannot remove.
        var temporary = "", descriptor: Int32 = -1, slot: Int?
        for _ in 0..<8 {
            temporary = folderPrefix + temporaryName(for: name)
            slot = TemporaryFiles.register(temporary)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { break }
            let code = errno
            TemporaryFiles.unregister(slot)
            errno = code
            if code != EEXIST { break }
        }
        guard descriptor >= 0 else {
            let code = errno, folder = OutputDestination.folder(of: target)
            throw WriteError(path: path, reason: code == ENOENT && access(folder, F_OK) != 0 ? "no such folder \(folder)" : String(cString: strerror(code)))
        }
        defer { TemporaryFiles.unregister(slot) }
        var failure: Int32?
        if replaced { failure = copyOwnership(of: old, to: descriptor) }
        let writer = Writer(descriptor: descriptor)
        if failure == nil {
            do {
                try produce(writer)
            } catch {
                close(descriptor)
                unlink(temporary)
                throw error
            }
            writer.flush()
            failure = writer.failure
        }
        if failure == nil, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == nil { failure = errno }
        if failure == nil, rename(temporary, target) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// Gives the file open as `descriptor` the owner and group of `old` where permitted (a user
    /// who may not give a file away keeps it, and then the group too when that is not theirs to
    /// give), then its permission bits; nil on success, else the `errno` of the failure.
    private static func copyOwnership(of old: stat, to descriptor: Int32) -> Int32? {
        // Owner and group first: changing them may clear the set-user-ID and set-group-ID bits.
        if fchown(descriptor, old.st_uid, old.st_gid) != 0 {
            guard errno == EPERM else { return errno }
            if fchown(descriptor, uid_t.max, old.st_gid) != 0, errno != EPERM { return errno }
        }
        return fchmod(descriptor, old.st_mode & 0o7777) == 0 ? nil : errno
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

/// The temporary files ``AtomicFile`` is writing, for a signal handler that ends the process at
/// once: ``removeAll()`` removes them with `unlink` alone, which is async-signal-safe, so that a
/// second Ctrl-C during a save leaves no hidden `.NAME.PID.RANDOM.tmp` behind.
///
/// The names live in preallocated C strings (``capacity`` slots of `PATH_MAX` bytes; a name
/// that does not fit, or a write beyond that many at once, is not registered), and one atomic
/// word says which slots are taken and which hold a complete name: the handler reads only
/// complete names and allocates nothing.
public enum TemporaryFiles {
    /// How many temporary files can be registered at once.
    public static let capacity = 8
    /// The bytes each slot holds, terminating NUL included.
    private static let slotSize = Int(PATH_MAX)
    /// The slots' C strings, allocated once and never freed.
    nonisolated(unsafe) private static let names = UnsafeMutablePointer<CChar>.allocate(capacity: capacity * slotSize)
    /// Bit `i`: slot `i` is taken; bit `capacity + i`: slot `i` holds a complete name.
    private static let state = Atomic<UInt64>(0)

    /// Allocates the slots now, so that a signal handler never runs a lazy initialiser:
    /// call it before installing a handler that calls ``removeAll()``.
    public static func prepare() {
        _ = (capacity, slotSize, names)
        _ = state.load(ordering: .relaxed)
    }

    /// Registers `path` as a temporary file being written; the slot to hand to
    /// ``unregister(_:)``, or nil when it could not be registered.
    @discardableResult
    public static func register(_ path: String) -> Int? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < slotSize, !bytes.contains(0) else { return nil }
        // Take a free slot.
        var current = state.load(ordering: .relaxed)
        var slot = -1
        while true {
            guard let free = (0..<capacity).first(where: { current & (1 << UInt64($0)) == 0 }) else { return nil }
            let (exchanged, original) = state.compareExchange(expected: current, desired: current | (1 << UInt64(free)), ordering: .acquiringAndReleasing)
            if exchanged { slot = free; break }
            current = original
        }
        // Fill it, then mark it complete (the release makes the name visible before the mark).
        let name = names + slot * slotSize
        for (index, byte) in bytes.enumerated() { name[index] = CChar(bitPattern: byte) }
        name[bytes.count] = 0
        state.bitwiseOr(1 << UInt64(capacity + slot), ordering: .releasing)
        return slot
    }

    /// Forgets the temporary file in `slot` (nothing for nil): it was renamed or removed.
    public static func unregister(_ slot: Int?) {
        guard let slot, (0..<capacity).contains(slot) else { return }
        // Unmark the name before the slot is freed for another.
        state.bitwiseAnd(~(1 << UInt64(capacity + slot)), ordering: .releasing)
        state.bitwiseAnd(~(1 << UInt64(slot)), ordering: .releasing)
    }

    /// Removes every registered temporary file. Async-signal-safe (after ``prepare()``): it reads
    /// one atomic word and calls `unlink` on preallocated strings.
    public static func removeAll() {
        let current = state.load(ordering: .acquiring)
        for slot in 0..<capacity { remove(slot, registeredIn: current) }
    }

    /// Removes the file named in `slot` when `current` (the atomic word, read once) marks its
    /// name complete; ``removeAll()``'s step, async-signal-safe.
    static func remove(_ slot: Int, registeredIn current: UInt64) {
        guard current & (1 << UInt64(capacity + slot)) != 0 else { return }
        unlink(names + slot * slotSize)
    }

    /// The atomic word now, for ``remove(_:registeredIn:)``.
    static var current: UInt64 { state.load(ordering: .acquiring) }

    /// The complete names now registered, by slot (for tests).
    static func registered() -> [Int: String] {
        let current = self.current
        var result: [Int: String] = [:]
        for slot in 0..<capacity where current & (1 << UInt64(capacity + slot)) != 0 {
            result[slot] = String(cString: names + slot * slotSize)
        }
        return result
    }
}

/// `write(2)`, which `AtomicFile.write` hides inside the type.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
