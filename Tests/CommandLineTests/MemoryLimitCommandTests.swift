import Foundation
import Testing

/// The memory check takes the process's address-space limit (`ulimit -v`) into account, not only
/// the machine's physical memory: a model that fits the machine but not the limit is refused up
/// front, in one line, instead of aborting on a failed allocation.
@Suite struct MemoryLimitCommandTests {
    @Test func aModelAboveTheAddressSpaceLimitIsRefused() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lrfind").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 3 GB of address space; dense:400000 needs about 9.6 GB (and less than this machine's memory).
        process.arguments = ["-c", "ulimit -v 3000000 && exec \"$0\" --model dense:400000 --steps 3 --no-plot", binary]
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2, "\(text)")
        #expect(text.hasPrefix("lrfind: error: --model dense:400000: training it needs about "), "\(text)")
        #expect(text.contains("more than this process's address-space limit (ulimit -v) of 3.1 GB"), "\(text)")
        #expect(text.split(separator: "\n").count == 1)
    }
}
