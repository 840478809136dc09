import Dispatch

/// Runs `body` over `0..<count` split into contiguous chunks, one per BLAS thread, concurrently
/// when that count is above one and the range is long enough to pay for the hand-off.
///
/// The elementwise optimizer loops use it so that `--threads 2` speeds up the whole step, not
/// only the GEMMs; each element is computed by the same code either way, so results do not
/// depend on the thread count.
func forEachChunk(of count: Int, threads: Int = BLASRuntime.threadCount, minimumChunk: Int = 32_768,
                  _ body: (Range<Int>) -> Void) {
    let chunks = min(threads, count / minimumChunk)
    guard chunks > 1 else { return body(0..<count) }
    // Chunk boundaries on multiples of 16 elements keep every chunk's vector loop aligned alike.
    let size = ((count + chunks - 1) / chunks + 15) / 16 * 16
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = min(chunk * size, count)
        body(start..<min(start + size, count))
    }
}
