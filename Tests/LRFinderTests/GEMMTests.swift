import Testing
@testable import LRFinder

@Suite struct GEMMTests {
    /// Naive triple loop: alpha * op(a) op(b) + beta * c, in Double.
    func reference(_ a: Matrix, _ ta: Transpose, _ b: Matrix, _ tb: Transpose, c: Matrix, alpha: Float, beta: Float) -> [Double] {
        let opA = ta == .none ? a : a.transposed()
        let opB = tb == .none ? b : b.transposed()
        var result = [Double](repeating: 0, count: opA.rows * opB.columns)
        for i in 0..<opA.rows {
            for j in 0..<opB.columns {
                var sum = 0.0
                for k in 0..<opA.columns { sum += Double(opA[i, k]) * Double(opB[k, j]) }
                result[i * opB.columns + j] = Double(alpha) * sum + Double(beta) * Double(c[i, j])
            }
        }
        return result
    }

    func randomMatrix(_ rows: Int, _ columns: Int, _ random: inout RandomSource) -> Matrix {
        Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in random.nextFloat(in: -1, 1) })
    }

    @Test(arguments: [(Transpose.none, Transpose.none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed)])
    func aProductSplitAcrossThreadsMatchesTheReference(ta: Transpose, tb: Transpose) {
        // Large enough to split (m n k >= 2^18): by columns (n = 90 >= 32), then by rows (n = 20).
        var random = RandomSource(seed: 11)
        for (m, n, k) in [(70, 90, 60), (300, 20, 50)] {
            let a = ta == .none ? randomMatrix(m, k, &random) : randomMatrix(k, m, &random)
            let b = tb == .none ? randomMatrix(k, n, &random) : randomMatrix(n, k, &random)
            let start = randomMatrix(m, n, &random)
            var c = start
            gemm(a, b, into: &c, transposeA: ta, transposeB: tb, alpha: 0.5, beta: 1, threads: 2)
            let want = reference(a, ta, b, tb, c: start, alpha: 0.5, beta: 1)
            let worst = (0..<want.count).map { abs(Double(c.storage[$0]) - want[$0]) / (1 + abs(want[$0])) }.max() ?? 0
            #expect(worst <= 1e-5, "\(m)x\(n)x\(k)")
        }
    }

    @Test(arguments: [(Transpose.none, Transpose.none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed)])
    func matchesNaiveReference(ta: Transpose, tb: Transpose) {
        var random = RandomSource(seed: 7)
        let (m, n, k) = (5, 7, 3)
        let a = ta == .none ? randomMatrix(m, k, &random) : randomMatrix(k, m, &random)
        let b = tb == .none ? randomMatrix(k, n, &random) : randomMatrix(n, k, &random)
        let start = randomMatrix(m, n, &random)
        for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
            var c = start
            gemm(a, b, into: &c, transposeA: ta, transposeB: tb, alpha: alpha, beta: beta)
            let want = reference(a, ta, b, tb, c: start, alpha: alpha, beta: beta)
            for i in 0..<want.count {
                #expect(abs(Double(c.storage[i]) - want[i]) <= 1e-5 * (1 + abs(want[i])), "element \(i) alpha \(alpha) beta \(beta)")
            }
        }
    }

    @Test func handComputedProduct() {
        let a = Matrix([[1, 2], [3, 4]])
        let b = Matrix([[5, 6], [7, 8]])
        var c = Matrix(rows: 2, columns: 2)
        gemm(a, b, into: &c)
        #expect(c == Matrix([[19, 22], [43, 50]]))
        gemm(a, b, into: &c, transposeA: .transposed)
        #expect(c == Matrix([[26, 30], [38, 44]]))
    }

    @Test func blasReportsKernelsAndThreads() {
        #expect(!BLASRuntime.coreName.isEmpty)
        BLASRuntime.setThreadCount(1)
        #expect(BLASRuntime.threadCount == 1)
    }
}
