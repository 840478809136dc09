import CBLAS
import Dispatch

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable, CaseIterable {
    /// Use the matrix as stored.
    case none
    /// Use the transpose of the stored matrix.
    case transposed

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// General matrix multiply through BLAS: `c = alpha * op(a) * op(b) + beta * c` (row-major sgemm).
///
/// `op(a)` is m x k, `op(b)` is k x n and `c` must already be m x n; with `beta == 0` the old
/// contents of `c` are ignored, as BLAS specifies. With `threads` > 1 (by default when
/// ``BLASRuntime/splitsOnOwnThreads``) a large product runs on that many threads of lrfind's,
/// each calling a single-threaded sgemm for a block of `c`'s columns or rows.
public func gemm(
    _ a: Matrix, _ b: Matrix, into c: inout Matrix,
    transposeA: Transpose = .none, transposeB: Transpose = .none, alpha: Float = 1, beta: Float = 0,
    threads: Int = BLASRuntime.gemmThreadCount
) {
    let m = transposeA == .none ? a.rows : a.columns
    let k = transposeA == .none ? a.columns : a.rows
    let kB = transposeB == .none ? b.rows : b.columns
    let n = transposeB == .none ? b.columns : b.rows
    precondition(k == kB, "gemm: inner dimensions \(k) and \(kB) differ")
    precondition(c.rows == m && c.columns == n, "gemm: result is \(c.rows)x\(c.columns), expected \(m)x\(n)")
    a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
            c.storage.withUnsafeMutableBufferPointer { pc in
                gemm(m: m, n: n, k: k,
                     pa.baseAddress!, lda: a.columns, transposeA,
                     pb.baseAddress!, ldb: b.columns, transposeB,
                     pc.baseAddress!, ldc: n, alpha: alpha, beta: beta, threads: threads)
            }
        }
    }
}

/// Pointer-level row-major sgemm, for callers that keep operands inside larger buffers
/// (a layer's weights inside the network's flat parameter vector).
@inline(__always)
func gemm(
    m: Int, n: Int, k: Int,
    _ a: UnsafePointer<Float>, lda: Int, _ transposeA: Transpose,
    _ b: UnsafePointer<Float>, ldb: Int, _ transposeB: Transpose,
    _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0, threads: Int = BLASRuntime.gemmThreadCount
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        // BLAS leaves c scaled by beta when k == 0; do the same without calling it.
        for r in 0..<m { for col in 0..<n { c[r * ldc + col] = beta == 0 ? 0 : beta * c[r * ldc + col] } }
        return
    }
    guard threads > 1, m * n * k >= BLASRuntime.minimumSplitWork else {
        cblas_sgemm(CblasRowMajor, transposeA.cblas, transposeB.cblas,
                    blasint(m), blasint(n), blasint(k), alpha,
                    a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
        return
    }
    // Blocks of C's columns (or rows, when it has few columns), one single-threaded sgemm each
    // on threads of lrfind's own: C[:, j0..<j1] = op(A) op(B)[:, j0..<j1].
    let byColumns = n >= 16 * threads
    let extent = byColumns ? n : m
    DispatchQueue.concurrentPerform(iterations: threads) { part in
        let low = part * extent / threads, high = (part + 1) * extent / threads
        guard high > low else { return }
        if byColumns {
            let partB = transposeB == .none ? b + low : b + low * ldb
            cblas_sgemm(CblasRowMajor, transposeA.cblas, transposeB.cblas, blasint(m), blasint(high - low), blasint(k), alpha,
                        a, blasint(lda), partB, blasint(ldb), beta, c + low, blasint(ldc))
        } else {
            let partA = transposeA == .none ? a + low * lda : a + low
            cblas_sgemm(CblasRowMajor, transposeA.cblas, transposeB.cblas, blasint(high - low), blasint(n), blasint(k), alpha,
                        partA, blasint(lda), b, blasint(ldb), beta, c + low * ldc, blasint(ldc))
        }
    }
}

/// What OpenBLAS reports about itself: the kernel family in use and its thread count.
public enum BLASRuntime {
    /// The CPU kernel family OpenBLAS selected (e.g. `Haswell`, `SkylakeX`, `Zen`); honours
    /// the `OPENBLAS_CORETYPE` environment variable.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string (version, threading model, dynamic architecture).
    public static var configuration: String {
        String(cString: openblas_get_config()).trimmingCharacters(in: .whitespaces)
    }

    /// The threads one training step uses (`--threads`): OpenBLAS's inside each GEMM, or, for a
    /// network with image layers (``splitsOnOwnThreads``), lrfind's own, shared by the GEMMs
    /// (a block of the product each, on a single-threaded OpenBLAS) and the kernels between them.
    public static var threadCount: Int { threads }

    /// Whether GEMMs split on lrfind's threads with OpenBLAS held to one. A convolutional step
    /// interleaves GEMMs with copies and pooling on lrfind's threads, and OpenBLAS's idle threads
    /// spin in `sched_yield` for about 0.1 s after each call (its `THREAD_TIMEOUT`), taking the
    /// cores those kernels need; a dense network is GEMMs end to end and keeps OpenBLAS's.
    public static var splitsOnOwnThreads: Bool { ownThreads }

    /// The threads a GEMM splits into by default: ``threadCount`` when ``splitsOnOwnThreads``, else 1
    /// (OpenBLAS threads the call itself).
    public static var gemmThreadCount: Int { ownThreads ? threads : 1 }

    /// Sets ``threadCount``.
    public static func setThreadCount(_ count: Int) {
        threads = max(1, count)
        openblas_set_num_threads(Int32(ownThreads ? 1 : threads))
    }

    /// Sets ``splitsOnOwnThreads`` (nothing to do when it already is `own`).
    @inline(__always)
    public static func splitOnOwnThreads(_ own: Bool) {
        guard own != ownThreads else { return }
        ownThreads = own
        openblas_set_num_threads(Int32(own ? 1 : threads))
    }

    /// See ``threadCount``: OpenBLAS's count until set.
    nonisolated(unsafe) private static var threads = Int(openblas_get_num_threads())
    /// See ``splitsOnOwnThreads``.
    nonisolated(unsafe) private static var ownThreads = false

    /// GEMMs below this many multiply-adds run on one thread (a dispatch costs microseconds).
    static let minimumSplitWork = 1 << 18

    /// Number of processors OpenBLAS sees.
    public static var processorCount: Int { Int(openblas_get_num_procs()) }

    /// The most threads OpenBLAS was built for (`MAX_THREADS` in ``configuration``); nil when its
    /// configuration does not say.
    public static var maximumThreadCount: Int? {
        configuration.split(separator: " ").first { $0.hasPrefix("MAX_THREADS=") }.flatMap { Int($0.dropFirst("MAX_THREADS=".count)) }
    }

    /// `requested` threads (`--threads`) held to this machine's ``processorCount`` and OpenBLAS's
    /// ``maximumThreadCount``, with a note when that is fewer.
    public static func clampedThreadCount(_ requested: Int) -> (count: Int, note: String?) {
        clampedThreadCount(requested, processors: processorCount, maximum: maximumThreadCount)
    }

    /// `requested` threads held to `processors` and OpenBLAS's `maximum` (nil: none known), and
    /// the note naming `--threads` when that is fewer; at least 1.
    public static func clampedThreadCount(_ requested: Int, processors: Int, maximum: Int?) -> (count: Int, note: String?) {
        let processors = max(1, processors)
        func threads(_ count: Int) -> String { count == 1 ? "1 thread" : "\(count) threads" }
        if let maximum, maximum >= 1, maximum < processors, requested > maximum {
            return (maximum, "--threads \(requested) is more than OpenBLAS's maximum of \(threads(maximum)): \(threads(maximum))")
        }
        guard requested > processors else { return (max(1, requested), nil) }
        let machine = processors == 1 ? "1 processor" : "\(processors) processors"
        return (processors, "--threads \(requested) is more than this machine's \(machine): \(threads(processors))")
    }
}
