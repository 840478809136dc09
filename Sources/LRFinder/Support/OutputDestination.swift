import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a write to a path lands, found and checked before any work is done: the file itself
/// (symbolic links of the last component followed), what kind of file it is, and whether it can
/// be written. ``AtomicFile/write(_:to:)`` writes as it says; a program checks all its outputs
/// with it first, so that a bad path is refused before a long run rather than after it.
public struct OutputDestination: Equatable, Sendable {
    /// How the destination is written.
    public enum Kind: Equatable, Sendable {
        /// Nothing is there yet: a new file, created atomically in the target's folder.
        case newFile
        /// A regular file, replaced atomically (a temporary file in its folder, renamed over it).
        case regularFile
        /// A device, pipe or socket: opened and written in place, never replaced.
        case stream
        /// The file this process already has open as standard output (1) or error (2): written
        /// through that descriptor, at its position, so that it is neither reopened nor replaced.
        case descriptor(Int32)
    }

    /// A destination that cannot be written: one line naming the path and the reason.
    public struct PathError: Error, Equatable, CustomStringConvertible {
        /// What is wrong with a destination.
        public enum Problem: Equatable, Sendable {
            /// The path is the empty string.
            case empty
            /// The folder the file would go into does not exist.
            case noSuchFolder(String)
            /// What would be the file's folder is not a folder.
            case notAFolder(String)
            /// The folder exists but no file can be created in it, for the system's reason.
            case unwritableFolder(String, reason: String)
            /// The path names a folder.
            case isAFolder
            /// The file exists but cannot be written, for the system's reason.
            case unwritable(reason: String)
            /// The symbolic links do not end.
            case tooManyLinks
        }

        /// The path as given.
        public let path: String
        /// What is wrong with it.
        public let problem: Problem

        /// A `problem` with `path`.
        public init(path: String, problem: Problem) {
            self.path = path
            self.problem = problem
        }

        /// One line naming the path, e.g. `no such folder 'nodir' for 'nodir/x.png'`.
        public var description: String {
            switch problem {
            case .empty: return "empty path"
            case .noSuchFolder(let folder): return "no such folder '\(folder)' for '\(path)'"
            case .notAFolder(let folder): return "not a folder: '\(folder)' in '\(path)'"
            case .unwritableFolder(let folder, let reason): return "cannot write in folder '\(folder)' for '\(path)': \(reason)"
            case .isAFolder: return "'\(path)' is a folder"
            case .unwritable(let reason): return "cannot write '\(path)': \(reason)"
            case .tooManyLinks: return "too many symbolic links in '\(path)'"
            }
        }

        /// The reason alone, without the path (as ``AtomicFile/WriteError`` words it).
        public var reason: String {
            switch problem {
            case .empty: return "empty path"
            case .noSuchFolder(let folder): return "no such folder \(folder)"
            case .notAFolder(let folder): return "not a folder: \(folder)"
            case .unwritableFolder(_, let reason), .unwritable(let reason): return reason
            case .isAFolder: return String(cString: strerror(EISDIR))
            case .tooManyLinks: return String(cString: strerror(ELOOP))
            }
        }
    }

    /// The path as given.
    public let path: String
    /// The file that is written: `path` with the symbolic links of its last component followed
    /// (a link is written through, not replaced); `path` itself for a stream.
    public let target: String
    /// How it is written.
    public let kind: Kind
    /// The target as an absolute path with its folder's links resolved, for comparisons.
    private let canonicalPath: String
    /// Device and inode of the existing file, if any.
    private let fileID: [UInt64]?

    /// Finds and checks the destination of a write to `path`: an existing folder is refused; an
    /// existing device, pipe or socket must be writable; otherwise the target's folder must
    /// exist, be a folder and allow new files in it, and an existing file must be writable by
    /// this process (`access(W_OK)`: root may write any).
    /// - Throws: `PathError` naming `path` and the problem.
    public init(_ path: String) throws {
        func fail(_ problem: PathError.Problem) -> PathError { PathError(path: path, problem: problem) }
        func systemReason(_ code: Int32) -> String { String(cString: strerror(code)) }
        guard !path.isEmpty else { throw fail(.empty) }
        var info = stat(), existing: [UInt64]?
        if stat(path, &info) == 0 {
            // The kernel followed every link, /proc's descriptor links included.
            let type = info.st_mode & S_IFMT
            guard type != S_IFDIR else { throw fail(.isAFolder) }
            existing = [UInt64(info.st_dev), UInt64(info.st_ino)]
            if let descriptor = Self.standardDescriptor(of: info) {
                self.init(path: path, target: path, kind: .descriptor(descriptor), fileID: existing)
                return
            }
            guard type == S_IFREG else {
                guard access(path, W_OK) == 0 else { throw fail(.unwritable(reason: systemReason(errno))) }
                self.init(path: path, target: path, kind: .stream, fileID: existing)
                return
            }
        } else {
            let code = errno
            switch code {
            case ENOENT: break
            case ENOTDIR: throw fail(.notAFolder(Self.folder(of: path)))
            case ELOOP: throw fail(.tooManyLinks)
            default: throw fail(.unwritable(reason: systemReason(code)))
            }
        }
        // A regular file or a new one: follow the links of the last component to the name that
        // is replaced (a dangling link is written through to its target).
        var current = path
        for hop in 0...40 {
            var link = stat()
            guard lstat(current, &link) == 0, link.st_mode & S_IFMT == S_IFLNK else { break }
            guard hop < 40, let next = Self.readLink(current) else { throw fail(.tooManyLinks) }
            current = next.hasPrefix("/") ? next : Self.folder(of: current) + "/" + next
        }
        guard !current.hasSuffix("/") else { throw fail(.noSuchFolder(current)) }
        if let existing {
            // A /proc descriptor link to a deleted file, say: the name does not lead back to it.
            var check = stat()
            guard stat(current, &check) == 0, [UInt64(check.st_dev), UInt64(check.st_ino)] == existing else {
                self.init(path: path, target: path, kind: .stream, fileID: existing)
                return
            }
        }
        let folder = Self.folder(of: current)
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0 else {
            let code = errno
            throw fail(code == ENOENT ? .noSuchFolder(folder) : code == ENOTDIR ? .notAFolder(folder)
                       : .unwritableFolder(folder, reason: systemReason(code)))
        }
        guard folderInfo.st_mode & S_IFMT == S_IFDIR else { throw fail(.notAFolder(folder)) }
        guard access(folder, W_OK | X_OK) == 0 else { throw fail(.unwritableFolder(folder, reason: systemReason(errno))) }
        // The folder would let the file be replaced, but a file the user may not write (0444, or
        // another user's 0644) is not theirs to replace: refused as an open for writing would be.
        if existing != nil, access(current, W_OK) != 0 { throw fail(.unwritable(reason: systemReason(errno))) }
        self.init(path: path, target: current, kind: existing == nil ? .newFile : .regularFile, fileID: existing,
                  canonicalPath: Self.canonical(folder: folder, name: Self.name(of: current)))
    }

    private init(path: String, target: String, kind: Kind, fileID: [UInt64]?, canonicalPath: String? = nil) {
        self.path = path
        self.target = target
        self.kind = kind
        self.fileID = fileID
        self.canonicalPath = canonicalPath ?? target
    }

    /// Whether a write here replaces the file that a write to `other` replaces (two outputs on
    /// one file). Streams and standard output are never the same file: nothing is replaced there.
    public func isSameFile(as other: OutputDestination) -> Bool {
        guard kind.isReplaced, other.kind.isReplaced else { return false }
        if let fileID, let otherID = other.fileID { return fileID == otherID }
        return fileID == nil && other.fileID == nil && canonicalPath == other.canonicalPath
    }

    /// Whether a write here would replace the file at `path` (an input, say); false for a path
    /// that is not a file one could write.
    public func replaces(_ path: String) -> Bool {
        guard let other = try? OutputDestination(path) else { return false }
        return isSameFile(as: other)
    }

    /// Whether a write here would replace the file this process has open as `descriptor`
    /// (standard input, read for `-`, say); false when that is no regular file (a pipe, a
    /// terminal) or is closed.
    public func replaces(fileOpenAs descriptor: Int32) -> Bool {
        guard kind.isReplaced, let fileID else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return [UInt64(info.st_dev), UInt64(info.st_ino)] == fileID
    }

    /// 1 or 2 when `info` is the file open as standard output or error.
    private static func standardDescriptor(of info: stat) -> Int32? {
        for descriptor: Int32 in [STDOUT_FILENO, STDERR_FILENO] {
            var open = stat()
            if fstat(descriptor, &open) == 0, open.st_dev == info.st_dev, open.st_ino == info.st_ino { return descriptor }
        }
        return nil
    }

    /// The folder part of `path`: `.` for a bare name, `/` for a name at the root.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    private static func name(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    /// The contents of the symbolic link at `path`.
    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `name` in `folder`, with the folder's path made absolute and its links resolved.
    private static func canonical(folder: String, name: String) -> String {
        guard let resolved = realpath(folder, nil) else { return folder + "/" + name }
        defer { free(resolved) }
        let base = String(cString: resolved)
        return (base == "/" ? "" : base) + "/" + name
    }
}

extension OutputDestination.Kind {
    /// Whether a write replaces the file (a new or regular file) rather than writing into it.
    var isReplaced: Bool { self == .newFile || self == .regularFile }
}
