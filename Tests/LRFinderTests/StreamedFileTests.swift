import Foundation
import Testing
@testable import LRFinder

/// Issue 10, item 9: a file written as it is produced (`lrfind schedule --csv` of a billion
/// rows), with the atomic writer's guarantees.
@Suite struct StreamedFileTests {
    @Test func rowsAreWrittenAsTheyComeThroughTheBuffer() throws {
        let folder = temporaryDirectory()
        let path = folder.appendingPathComponent("rows.csv").path
        // 200,000 rows: several times the 64 KiB buffer, mixed with a block of raw bytes.
        try AtomicFile.write(to: path) { file in
            file.append("step,lr\n")
            for row in 0..<100_000 { file.append("\(row),0.5\n") }
            file.append(Array("# raw\n".utf8))
            for row in 100_000..<200_000 { file.append("\(row),0.5\n") }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200_002)
        #expect(lines[0] == "step,lr" && lines[100_001] == "# raw" && lines[200_001] == "199999,0.5")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["rows.csv"])
    }

    @Test func aFailingProducerLeavesTheTargetAsItWas() throws {
        struct Stop: Error {}
        let folder = temporaryDirectory()
        let path = folder.appendingPathComponent("rows.csv").path
        try AtomicFile.write(Array("old\n".utf8), to: path)
        #expect(throws: Stop.self) {
            try AtomicFile.write(to: path) { file in
                for row in 0..<50_000 { file.append("\(row)\n") }
                throw Stop()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["rows.csv"])
    }
}
