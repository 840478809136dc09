import Dispatch

/// Splits a kernel's independent work (samples, planes, rows) across as many threads as BLAS
/// uses (``BLASRuntime/threadCount``), so the loops between the GEMMs scale with `--threads`
/// as the GEMMs do; one thread runs the loop inline.
enum KernelParallelism {
    /// Parts below this many elements of work stay on one thread (a dispatch costs microseconds).
    static let minimumWork = 1 << 15

    /// Calls `body(range)` on disjoint ranges covering `0..<count`, concurrently when BLAS runs
    /// `threads` (default: BLAS's) is more than one and `count x workPerItem` is large enough.
    @inline(__always)
    static func forEachRange(_ count: Int, workPerItem: Int, threads: Int = BLASRuntime.threadCount, _ body: (Range<Int>) -> Void) {
        let threads = Swift.min(threads, count)
        guard threads > 1, count * workPerItem >= minimumWork else {
            body(0..<count)
            return
        }
        forEachPart(threads) { part in body((part * count / threads)..<((part + 1) * count / threads)) }
    }

    /// Calls `body(part)` for every part in `0..<parts`, concurrently.
    static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: parts) { body($0) }
        }
    }
}
