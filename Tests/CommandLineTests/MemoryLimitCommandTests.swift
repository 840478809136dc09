import Foundation
import Testing

/// The memory check takes the process's address-space limit (`ulimit -v`) into account, not only
/// the machine's physical memory: a model that fits the machine but not the limit is refused up
/// front, in one line, instead of aborting on a failed allocation.
@Suite struct MemoryLimitCommandTests {
    @Test func aModelAboveTheAddressSpaceLimitIsRefused() throws {
        // 3 GB of address space; dense:400000 needs about 9.6 GB (and less than this machine's memory).
        let run = try runLRFind(limitedTo: 3_000_000, ["--model", "dense:400000", "--steps", "3", "--no-plot"], in: scratchDirectory())
        #expect(run.status == 2, "\(run.error)")
        #expect(run.error.hasPrefix("lrfind: error: --model dense:400000: training it needs about "), "\(run.error)")
        #expect(run.error.contains("more than this process's address-space limit (ulimit -v) of 3.1 GB"), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1)
    }
}
