import CBLAS

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
/// contents of `c` are ignored, as BLAS specifies.
public func gemm(
    _ a: Matrix, _ b: Matrix, into c: inout Matrix,
    transposeA: Transpose = .none, transposeB: Transpose = .none, alpha: Float = 1, beta: Float = 0
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
                     pc.baseAddress!, ldc: n, alpha: alpha, beta: beta)
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
    _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        // BLAS leaves c scaled by beta when k == 0; do the same without calling it.
        for r in 0..<m { for col in 0..<n { c[r * ldc + col] = beta == 0 ? 0 : beta * c[r * ldc + col] } }
        return
    }
    cblas_sgemm(CblasRowMajor, transposeA.cblas, transposeB.cblas,
                blasint(m), blasint(n), blasint(k), alpha,
                a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
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

    /// Number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses for one call.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// Number of processors OpenBLAS sees.
    public static var processorCount: Int { Int(openblas_get_num_procs()) }
}
