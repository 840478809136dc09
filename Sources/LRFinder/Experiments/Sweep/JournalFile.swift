import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One locked visit to a journal file: lock it, read what was appended since the last visit,
/// append lines, `fsync`, unlock.
///
/// The lock is a POSIX record lock on the whole file, taken with `fcntl(F_OFD_SETLKW)` (an open
/// file description lock; `F_SETLKW` on kernels without them), not `flock`. Why (docs/journal.md,
/// "Many writers"): it is the lock NFS carries to the server (NLM for NFSv3, in the protocol
/// for NFSv4), and Lustre, GPFS and BeeGFS honour it across nodes when mounted with cluster-wide
/// locks; the kernel (or the server, when a client's lease ends) drops it when its holder dies,
/// so there is no stale lock file to break by a timeout as with Optuna's symlink or `O_EXCL`
/// locks. On NFS, taking the lock also makes the client revalidate its cached size and pages, so
/// what is read under it is what the other writers wrote. A file system that refuses record locks
/// is an error naming the file, not a silent lock-free journal.
struct JournalFile {
    /// What a visit read.
    struct Visit {
        /// Whole lines appended since `offset` (each without its newline), with their 1-based
        /// line numbers.
        var lines: [(number: Int, bytes: Data)]
        /// Whether the file had shrunk below the offset (another writer removed a torn line): the
        /// lines are then the whole file's, from line 1.
        var restarted: Bool
        /// Bytes after the last newline (a writer stopped mid-line), or 0, and that line's number.
        var tornBytes: Int
        var tornLine: Int
    }

    /// Where the next visit starts: the byte after the last whole line read, and its line number.
    var offset: off_t = 0
    var nextLine = 1
    /// The journal's path and the name errors give.
    let path: String
    let name: String

    init(path: String) {
        self.path = path
        name = FileBytes.displayName(path)
    }

    /// Locks the file (creating it when `creating`), reads the whole lines appended since the last
    /// visit, passes them to `body`, and appends the lines `body` returns (each gets its newline),
    /// removing a torn last line first; then `fsync`s and unlocks. Returns whether a torn line was
    /// removed.
    /// - Throws: ``DataError`` naming the file when it cannot be opened, locked, read or written;
    ///   what `body` throws (nothing is written then).
    @discardableResult
    mutating func visit(creating: Bool = true, _ body: (Visit) throws -> [Data]) throws -> Bool {
        func fail(_ doing: String) -> DataError {
            DataError(file: name, message: "cannot \(doing) the journal: \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDWR | O_CLOEXEC | (creating ? O_CREAT : 0), 0o644)
        guard descriptor >= 0 else { throw fail("open") }
        defer { close(descriptor) }
        try Self.lock(descriptor, name: name)

        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw fail("read the size of") }
        let size = info.st_size
        var restarted = false
        if size < offset {
            (offset, nextLine, restarted) = (0, 1, true)
        }
        // The new bytes, read in pieces.
        var bytes = Data(count: Int(size - offset))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, $0.count - done, offset + off_t(done)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw fail("read") }
            done += count
        }
        let (lines, torn, newlines) = Self.lines(in: bytes, firstNumber: nextLine)
        let wholeEnd = size - off_t(torn)
        let appended = try body(Visit(lines: lines, restarted: restarted, tornBytes: torn, tornLine: nextLine + newlines))
        (offset, nextLine) = (wholeEnd, nextLine + newlines)
        guard !appended.isEmpty else { return false }

        if torn > 0 { guard ftruncate(descriptor, wholeEnd) == 0 else { throw fail("truncate") } }
        var output = [UInt8]()
        for line in appended {
            output += line
            output.append(0x0A)
        }
        var written = 0
        while written < output.count {
            let count = output.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, wholeEnd + off_t(written)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail("write")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw fail("fsync") }
        offset = wholeEnd + off_t(output.count)
        nextLine += appended.count
        return torn > 0
    }

    /// Takes the write lock on the whole file, waiting for it.
    private static func lock(_ descriptor: Int32, name: String) throws {
        var request = flock()
        request.l_type = Int16(F_WRLCK)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = 0
        request.l_len = 0
        // F_OFD_SETLKW is 38 on Linux (every architecture); Glibc's module does not export it.
        var command: Int32 = 38
        while fcntl(descriptor, command, &request) != 0 {
            if errno == EINTR { continue }
            if errno == EINVAL && command != F_SETLKW {
                command = F_SETLKW
                continue
            }
            throw DataError(file: name, message: "cannot lock the journal (\(String(cString: strerror(errno)))): its file system refuses record locks, which the journal needs; put it on a local disk or an NFS or cluster file system mounted with locking")
        }
    }
}

extension JournalFile {
    /// The whole lines of `bytes` (empty ones dropped) numbered from `firstNumber`, the count of
    /// bytes after the last newline (a torn last line), and the count of newlines.
    static func lines(in bytes: Data, firstNumber: Int = 1) -> (lines: [(number: Int, bytes: Data)], tornBytes: Int, newlines: Int) {
        var lines: [(number: Int, bytes: Data)] = []
        var start = bytes.startIndex, number = firstNumber
        while let end = bytes[start...].firstIndex(of: 0x0A) {
            if end > start { lines.append((number, bytes[start..<end])) }
            start = end + 1
            number += 1
        }
        return (lines, bytes.endIndex - start, number - firstNumber)
    }
}
