import Foundation
import Testing

/// Files too large for memory are refused in one line before anything is allocated, and size
/// hints (a file's size) are reserved only within the memory the process may use: under an
/// address-space limit a sparse file no longer aborts the process.
@Suite struct LargeInputCommandTests {
    @Test func aModelFileLargerThanMemoryIsRefusedBeforeItIsRead() throws {
        let folder = scratchDirectory()
        // A sparse file: 100 GB long, no disk used.
        let big = folder.appendingPathComponent("big.st")
        FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 100_000_000_000)
        try handle.close()
        for arguments in [["predict", "big.st", "--data", Fixtures.iris], ["train", "--init-from", "big.st", "--data", Fixtures.iris]] {
            let run = try runLRFind(arguments, in: folder)
            #expect(run.status == 1, "\(arguments): \(run.error)")
            #expect(run.error.hasPrefix("lrfind: error: big.st: 100.0 GB to hold in memory, more than "), "\(run.error)")
            #expect(run.error.split(separator: "\n").count == 1)
        }
    }

    /// 300 kB of rows, then zeros to 20 GB: the first rows' size hint asked for 12.6 GB of rows
    /// ahead, which aborted the process under `ulimit -v`.
    @Test func aSparseCSVUnderAnAddressSpaceLimitIsAnErrorNotAnAbort() throws {
        let folder = scratchDirectory()
        let path = folder.appendingPathComponent("sparse.csv")
        try ("a,b,label\n" + String(repeating: "1,2,0\n3,4,1\n", count: 30_000)).write(to: path, atomically: true, encoding: .utf8)
        let handle = try FileHandle(forWritingTo: path)
        try handle.truncate(atOffset: 20_000_000_000)
        try handle.close()
        let run = try runLRFind(limitedTo: 3_000_000, ["train", "--data", "sparse.csv", "--epochs", "1", "--quiet"], in: folder)
        #expect(run.status == 1, "\(run.error)")
        // The zeros make one record without a line end: refused once 64 MiB of it are read
        // (issue 22, item 6), on the line after the rows.
        #expect(run.error.hasPrefix("lrfind: error: sparse.csv:60002: record longer than 64 MiB"), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1 && !run.error.contains("Fatal error"), "\(run.error)")
    }
}
