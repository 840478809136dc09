import Foundation
import Testing
@testable import LRFinder

/// The atomic writer: whole files, replaced by rename (a reader of the old file keeps it
/// whole), one-line errors, and never a temporary file left behind.
@Suite struct AtomicFileTests {
    static func contents(of folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func writesTheBytesAndLeavesOnlyTheFile() throws {
        let folder = temporaryDirectory()
        let path = folder.appendingPathComponent("curve.csv").path
        try AtomicFile.write(Data("step,lr\n0,0.1\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "step,lr\n0,0.1\n")
        let large = (0..<5_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try AtomicFile.write(large, to: folder.appendingPathComponent("large.bin").path)
        #expect(try [UInt8](Data(contentsOf: folder.appendingPathComponent("large.bin"))) == large)
        try AtomicFile.write([UInt8](), to: folder.appendingPathComponent("empty").path)
        #expect(try Data(contentsOf: folder.appendingPathComponent("empty")).isEmpty)
        #expect(try Self.contents(of: folder) == ["curve.csv", "empty", "large.bin"])
    }

    @Test func replacesTheFileByRenameSoAnOpenReaderKeepsTheOldOne() throws {
        let folder = temporaryDirectory()
        let path = folder.appendingPathComponent("chart.svg").path
        try AtomicFile.write(Array("old contents".utf8), to: path)
        let reader = try #require(FileHandle(forReadingAtPath: path))
        defer { try? reader.close() }
        let before = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int

        try AtomicFile.write(Array("new".utf8), to: path)
        // The old file was not truncated and rewritten in place: the reader still sees all of it.
        #expect(String(decoding: reader.readDataToEndOfFile(), as: UTF8.self) == "old contents")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        let after = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        #expect(before != nil && before != after, "a new file took the name")
        #expect(try Self.contents(of: folder) == ["chart.svg"])
    }

    @Test func aMissingFolderIsAOneLineErrorAndCreatesNothing() throws {
        let folder = temporaryDirectory()
        let path = folder.path + "/missing/c.png"
        #expect(throws: AtomicFile.WriteError(path: path, reason: "no such folder \(folder.path)/missing")) {
            try AtomicFile.write([1, 2, 3], to: path)
        }
        #expect(AtomicFile.WriteError(path: path, reason: "no such folder x").description == "cannot write \(path): no such folder x")
        #expect(try Self.contents(of: folder).isEmpty)
    }

    @Test func aFolderTargetIsRefusedAndLeavesNothing() throws {
        // The target is a folder: refused before a temporary file is made (rename(2) would refuse too).
        let folder = temporaryDirectory()
        let target = folder.appendingPathComponent("plot.png")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        do {
            try AtomicFile.write(Array("bytes".utf8), to: target.path)
            Issue.record("wrote over a folder")
        } catch let error as AtomicFile.WriteError {
            #expect(error.path == target.path)
            #expect(error.reason == String(cString: strerror(EISDIR)), "\(error)")
            #expect(!error.description.contains("\n"))
        }
        #expect(try Self.contents(of: folder) == ["plot.png"])
        #expect(try Self.contents(of: target).isEmpty)
    }
}

/// Long names (issue 22, item 14): the temporary file beside the target always has a legal name.
@Suite struct AtomicFileNameTests {
    @Test func theTemporaryNameOfALongNameFitsInAFileName() throws {
        for name in [String(repeating: "n", count: 255), String(repeating: "é", count: 127) + "x", String(repeating: "n", count: 224) + "é", "curve.csv"] {
            let temporary = AtomicFile.temporaryName(for: name)
            #expect(temporary.utf8.count <= 255, "\(temporary)")
            #expect(temporary.hasPrefix(".") && temporary.hasSuffix(".tmp"))
        }
        #expect(AtomicFile.temporaryName(for: "curve.csv").hasPrefix(".curve.csv."), "a short name is kept whole")
        let folder = temporaryDirectory()
        let name = String(repeating: "n", count: 251) + ".csv"
        try AtomicFile.write(Array("x".utf8), to: folder.appendingPathComponent(name).path)
        try AtomicFile.write(Array("y".utf8), to: folder.appendingPathComponent(name).path)
        #expect(try AtomicFileTests.contents(of: folder) == [name])
        #expect(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) == "y")
    }
}
