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

    /// Under `ulimit -v` the address space already mapped (stacks, heap arenas, BLAS buffers)
    /// counts: the limit alone let this run pass the check and abort on an allocation. A model
    /// read from `--init-from` is named by the file, not by `--model`, which was not given.
    @Test func aModelFromAWeightsFileAboveTheLimitIsRefusedNamingTheFile() throws {
        let folder = scratchDirectory()
        let trained = try runLRFind(["train", "--data", Fixtures.iris, "--model", "dense:3000,relu,dense:3000,relu", "--epochs", "1",
                                     "--save", "big.safetensors", "--no-plot", "--quiet"], in: folder)
        #expect(trained.status == 0, "\(trained.error)")
        // 9.0M parameters: at least 216.5 MB to train on one feature; the limit alone (461 MB) would pass it.
        let run = try runLRFind(limitedTo: 450_000, ["find", "--init-from", "big.safetensors", "--steps", "3", "--no-plot"], in: folder)
        #expect(run.status == 2, "\(run.error)")
        #expect(run.error.hasPrefix("lrfind: error: --init-from big.safetensors: its model dense:3000,relu,dense:3000,relu: training it needs at least 216.5 MB"), "\(run.error)")
        #expect(run.error.contains("of it mapped already"), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1, "\(run.error)")
    }
}
