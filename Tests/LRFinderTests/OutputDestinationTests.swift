import Foundation
import Testing
@testable import LRFinder

/// Where a write lands (issue 10, item 1): links are written through, devices and pipes in
/// place, and only files are replaced; bad destinations are found before any work.
@Suite struct OutputDestinationTests {
    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    static func isCharacterDevice(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
    }

    @Test func aLinkIsWrittenThroughAndStaysALink() throws {
        let folder = temporaryDirectory()
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: false)
        let link = folder.appendingPathComponent("curve.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "elsewhere/target.csv")
        // Dangling: the target is created, in its own folder.
        #expect(try OutputDestination(link).kind == .newFile)
        #expect(try OutputDestination(link).target == folder.path + "/elsewhere/target.csv")
        try AtomicFile.write(Array("first".utf8), to: link)
        // Existing: the target is replaced.
        #expect(try OutputDestination(link).kind == .regularFile)
        try AtomicFile.write(Array("second".utf8), to: link)
        #expect(Self.isSymbolicLink(link))
        #expect(try String(contentsOfFile: elsewhere.path + "/target.csv", encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["curve.csv", "elsewhere"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path) == ["target.csv"])
    }

    @Test func aDeviceIsWrittenInPlaceAndAFullOneIsAOneLineError() throws {
        let folder = temporaryDirectory()
        // Links of our own to the devices: a regression replaces the link, never the device.
        let null = folder.appendingPathComponent("null").path, full = folder.appendingPathComponent("full").path
        try FileManager.default.createSymbolicLink(atPath: null, withDestinationPath: "/dev/null")
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: "/dev/full")
        #expect(try OutputDestination(null).kind == .stream)
        try AtomicFile.write(Array("discarded".utf8), to: null)
        #expect(throws: AtomicFile.WriteError(path: full, reason: String(cString: strerror(ENOSPC)))) {
            try AtomicFile.write(Array("no room".utf8), to: full)
        }
        #expect(Self.isSymbolicLink(null) && Self.isSymbolicLink(full))
        #expect(Self.isCharacterDevice("/dev/null") && Self.isCharacterDevice("/dev/full"))
    }

    @Test func aPipeIsWrittenInPlace() throws {
        let folder = temporaryDirectory()
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader first, so that opening the pipe for writing does not wait for one.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        #expect(try OutputDestination(fifo).kind == .stream)
        try AtomicFile.write(Array("step,lr\n0,0.1\n".utf8), to: fifo)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(count == 14 && String(decoding: buffer.prefix(14), as: UTF8.self) == "step,lr\n0,0.1\n")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "still a pipe")
    }

    @Test func standardOutputIsWrittenThroughItsDescriptor() throws {
        // /dev/stdout is a link to /proc/self/fd/1, whatever standard output is (a pipe, a
        // terminal, a file): the file already open there, never replaced.
        #expect(try OutputDestination("/proc/self/fd/1").kind == .descriptor(1))
    }

    @Test func badDestinationsAreOneLine() throws {
        let folder = temporaryDirectory().path
        try Data().write(to: URL(fileURLWithPath: folder + "/file"))
        try FileManager.default.createDirectory(atPath: folder + "/folder", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder + "/loop", withDestinationPath: "loop")
        let cases: [(String, OutputDestination.PathError.Problem, String)] = [
            ("/missing/c.csv", .noSuchFolder(folder + "/missing"), "no such folder '\(folder)/missing' for '\(folder)/missing/c.csv'"),
            ("/file/c.csv", .notAFolder(folder + "/file"), "not a folder: '\(folder)/file' in '\(folder)/file/c.csv'"),
            ("/folder", .isAFolder, "'\(folder)/folder' is a folder"),
            ("/loop", .tooManyLinks, "too many symbolic links in '\(folder)/loop'"),
        ]
        for (name, problem, message) in cases {
            #expect(throws: OutputDestination.PathError(path: folder + name, problem: problem)) { try OutputDestination(folder + name) }
            #expect(OutputDestination.PathError(path: folder + name, problem: problem).description == message)
        }
        #expect(throws: OutputDestination.PathError(path: "", problem: .empty)) { try OutputDestination("") }
        #expect(OutputDestination.folder(of: "x.png") == "." && OutputDestination.folder(of: "/x.png") == "/")
        #expect(OutputDestination.folder(of: "nodir/x.png") == "nodir")
    }

    @Test(.disabled(if: getuid() == 0, "root may create files in any folder"))
    func aFolderWithoutWritePermissionIsRefused() throws {
        let folder = temporaryDirectory()
        #expect(chmod(folder.path, 0o555) == 0)
        defer { chmod(folder.path, 0o755) }
        #expect(throws: OutputDestination.PathError(path: folder.path + "/c.csv",
                                                    problem: .unwritableFolder(folder.path, reason: String(cString: strerror(EACCES))))) {
            try OutputDestination(folder.path + "/c.csv")
        }
    }

    @Test func oneFileUnderTwoNamesIsTheSameFile() throws {
        let folder = temporaryDirectory()
        let a = folder.path + "/a.csv", alias = folder.path + "/./sub/../a.csv"
        try FileManager.default.createDirectory(atPath: folder.path + "/sub", withIntermediateDirectories: false)
        // Not there yet: the same name after the folder's links and dots are resolved.
        #expect(try OutputDestination(a).isSameFile(as: OutputDestination(alias)))
        #expect(try !OutputDestination(a).isSameFile(as: OutputDestination(folder.path + "/b.csv")))
        try Data("x".utf8).write(to: URL(fileURLWithPath: a))
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.csv", withDestinationPath: "a.csv")
        #expect(try OutputDestination(folder.path + "/link.csv").isSameFile(as: OutputDestination(alias)))
        #expect(try OutputDestination(folder.path + "/link.csv").replaces(a))
        #expect(try !OutputDestination(folder.path + "/b.csv").replaces(a))
        // Streams are written into, never replaced: two outputs on /dev/null are fine.
        #expect(try !OutputDestination("/dev/null").isSameFile(as: OutputDestination("/dev/null")))
    }
}
