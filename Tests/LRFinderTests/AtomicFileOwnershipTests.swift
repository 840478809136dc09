import Foundation
import Testing
@testable import LRFinder

/// What a replaced file keeps and what a signal handler can clean up (issue 22, items 11 and 13):
/// the new file takes the old one's mode (and owner and group where permitted), a file the user
/// may not write is refused, and the temporary file being written is registered with
/// ``TemporaryFiles`` so that a handler ending the process can remove it.
@Suite struct AtomicFileOwnershipTests {
    /// The mode bits, owner and group of the file at `path`.
    static func ownership(_ path: String) -> (mode: mode_t, owner: uid_t, group: gid_t)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_mode & 0o7777, info.st_uid, info.st_gid)
    }

    @Test(arguments: [mode_t(0o600), 0o640, 0o755])
    func aReplacedFileKeepsItsMode(mode: mode_t) throws {
        let path = temporaryDirectory().appendingPathComponent("model.st").path
        try AtomicFile.write(Array("old".utf8), to: path)
        #expect(chmod(path, mode) == 0)
        try AtomicFile.write(Array("new".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(Self.ownership(path)?.mode == mode)
    }

    @Test(.disabled(if: getuid() != 0, "only root may give a file to another user"))
    func rootKeepsTheOwnerAndGroupOfAReplacedFile() throws {
        let path = temporaryDirectory().appendingPathComponent("shared.csv").path
        try AtomicFile.write(Array("old".utf8), to: path)
        #expect(chown(path, 65534, 65534) == 0 && chmod(path, 0o444) == 0)
        // Root may write a 0444 file: it is replaced, and keeps mode, owner and group.
        try AtomicFile.write(Array("new".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        let after = try #require(Self.ownership(path))
        #expect(after.mode == 0o444 && after.owner == 65534 && after.group == 65534)
    }

    @Test(.disabled(if: getuid() == 0, "root may write any file"))
    func aFileTheUserCannotWriteIsRefusedAndLeftAlone() throws {
        let folder = temporaryDirectory()
        let path = folder.appendingPathComponent("read-only.csv").path
        try AtomicFile.write(Array("old".utf8), to: path)
        #expect(chmod(path, 0o444) == 0)
        #expect(throws: OutputDestination.PathError(path: path, problem: .unwritable(reason: String(cString: strerror(EACCES))))) {
            try OutputDestination(path)
        }
        #expect(throws: AtomicFile.WriteError(path: path, reason: String(cString: strerror(EACCES)))) {
            try AtomicFile.write(Array("new".utf8), to: path)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["read-only.csv"])
    }

    @Test func aRegisteredFileIsRemovedByTheHandlersStepAndAnUnregisteredOneIsNot() throws {
        let folder = temporaryDirectory()
        let registered = folder.appendingPathComponent(".a.tmp").path, forgotten = folder.appendingPathComponent(".b.tmp").path
        #expect(FileManager.default.createFile(atPath: registered, contents: Data("a".utf8)))
        #expect(FileManager.default.createFile(atPath: forgotten, contents: Data("b".utf8)))
        TemporaryFiles.prepare()
        let slot = try #require(TemporaryFiles.register(registered))
        let other = try #require(TemporaryFiles.register(forgotten))
        #expect(TemporaryFiles.registered()[slot] == registered)
        TemporaryFiles.unregister(other)
        // Each slot as `removeAll()` visits it (the whole of it would remove other tests' files).
        let current = TemporaryFiles.current
        for index in 0..<TemporaryFiles.capacity where index == slot || index == other {
            TemporaryFiles.remove(index, registeredIn: current)
        }
        TemporaryFiles.unregister(slot)
        #expect(!FileManager.default.fileExists(atPath: registered))
        #expect(FileManager.default.fileExists(atPath: forgotten))
        #expect(TemporaryFiles.registered()[slot] != registered)
        #expect(TemporaryFiles.register(String(repeating: "n", count: Int(PATH_MAX))) == nil, "a name that does not fit is not registered")
    }

    @Test func theTemporaryFileIsRegisteredWhileItIsWritten() throws {
        let folder = temporaryDirectory()
        let path = folder.appendingPathComponent("big.st").path
        try AtomicFile.write(Array("old".utf8), to: path)
        var seen: (slot: Int, name: String)?
        #expect(throws: AtomicFile.WriteError(path: path, reason: String(cString: strerror(ENOENT)))) {
            try AtomicFile.write(to: path) { writer in
                writer.append("new")
                // This write's temporary file: registered, there, beside the target.
                seen = TemporaryFiles.registered().first { $0.value.hasPrefix(folder.path + "/.big.st.\(getpid()).") }.map { ($0.key, $0.value) }
                guard let seen else { return }
                #expect(FileManager.default.fileExists(atPath: seen.name))
                // What a handler does: the file goes, and the write then fails instead of renaming it.
                TemporaryFiles.remove(seen.slot, registeredIn: TemporaryFiles.current)
            }
        }
        let name = try #require(seen?.name, "the temporary file was not registered")
        #expect(name.hasSuffix(".tmp"))
        #expect(!TemporaryFiles.registered().values.contains(name), "unregistered when the write ended")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old", "the target is left as it was")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["big.st"])
    }
}
