/// 2-D convolution (PyTorch's `Conv2d`, square kernel, zero padding, no dilation or groups)
/// through im2col and BLAS GEMM over whole chunks of the batch (Chellapilla et al. 2006, "High
/// performance convolutional neural networks for document processing"; Caffe's layout).
///
/// Shapes (NCHW, row-major): `x` batch x C x H x W, `y` batch x O x Ho x Wo with
/// `Ho = (H + 2p - k) / s + 1` (floor), weights `W` O x (C k k), bias O. With P = Ho Wo and
/// K = C k k, a chunk of n samples is processed in two scratch matrices:
///
///     columns  K x (n P)   columns[(c k + i) k + j, b P + (oh Wo + ow)] = x[b, c, oh s - p + i, ow s - p + j] (0 outside)
///     product  O x (n P)   product = W columns            (one GEMM: O x K times K x nP)
///     y[b, o, :] = product[o, b P ..< (b + 1) P] + bias[o]
///
/// Backward, per chunk (the columns are rebuilt from `x` rather than kept from the forward):
///
///     product[o, b P + q] = dy[b, o, q]
///     dW += product columnsᵀ    (O x nP times nP x K);   db[o] += Σ product[o, :]
///     columns = Wᵀ product      (K x O times O x nP);    dx = col2im(columns) (overlaps add)
///
/// Chunks of ``samplesPerChunk`` keep the scratch bounded (the shared region of a
/// ``Workspace``) and, for the `cnn` preset's second convolution, the patch matrix within a
/// core's L2 cache (288 x 8 x 121 Floats, 1.1 MB) between im2col and the GEMM, while each GEMM
/// stays wide.
enum ConvolutionKernel {
    /// Samples per chunk: the GEMMs are `O x K x (n P)`, wide enough for BLAS at any P. On the
    /// `cnn` preset at 1 thread, 4 and 8 ran about 5% faster than 16 and 32 (the patch matrix stays
    /// in cache); 8 leaves each of 2 threads a chunk of 3 samples.
    static let samplesPerChunk = 8

    /// The sizes of one convolution.
    struct Geometry {
        var inputChannels: Int, height: Int, width: Int
        var outputChannels: Int, outputHeight: Int, outputWidth: Int
        var kernel: Int, stride: Int, padding: Int

        /// K = C k k, the length of one patch.
        var patchSize: Int { inputChannels * kernel * kernel }
        /// P = Ho Wo, output positions per channel.
        var outputPlane: Int { outputHeight * outputWidth }
        /// Floats of shared scratch per sample: the columns (K P) and the product (O P).
        var scratchPerSample: Int { (patchSize + outputChannels) * outputPlane }
    }

    /// `y = W * x + b` for the whole batch; `scratch` holds ``Geometry/scratchPerSample`` Floats
    /// for `min(batch, samplesPerChunk)` samples. With several threads (``BLASRuntime/threadCount``) and a batch that
    /// splits (``threadSplit(batch:geometry:reserving:)``), each thread convolves its own samples
    /// in its part of the scratch with single-threaded GEMMs, as oneDNN splits a batch.
    static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, batch: Int, geometry g: Geometry,
                        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
                        threads: Int = BLASRuntime.threadCount) {
        guard let split = threadSplit(batch: batch, geometry: g, reserving: 0, threads: threads) else {
            forward(x: x, y: y, samples: 0..<batch, chunk: samplesPerChunk, geometry: g, weights: weights, bias: bias, scratch: scratch,
                    threads: threads)
            return
        }
        KernelParallelism.forEachPart(split.threads) { part in
            forward(x: x, y: y, samples: split.samples(part), chunk: split.chunk, geometry: g, weights: weights, bias: bias,
                    scratch: scratch + part * split.partFloats, threads: 1)
        }
    }

    /// `dW` and `db` (overwritten) from `dy` and the forward's input `x`, and `dx` when given;
    /// split across the threads as ``forward(x:y:batch:geometry:weights:bias:scratch:)`` is,
    /// each thread after the first summing its samples' `dW` and `db` in its part of the scratch,
    /// added to the first's at the end.
    static func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?, batch: Int,
                         geometry g: Geometry, weights: UnsafePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
                         biasGradient: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
                         threads: Int = BLASRuntime.threadCount) {
        let gradientFloats = g.outputChannels * g.patchSize + g.outputChannels
        guard let split = threadSplit(batch: batch, geometry: g, reserving: gradientFloats, threads: threads) else {
            backward(x: x, dy: dy, dx: dx, samples: 0..<batch, chunk: samplesPerChunk, geometry: g, weights: weights,
                     weightGradient: weightGradient, biasGradient: biasGradient, scratch: scratch, threads: threads)
            return
        }
        // Part p > 0 keeps its dW (O x K) and db (O) after its chunk scratch.
        let chunkFloats = split.chunk * g.scratchPerSample
        KernelParallelism.forEachPart(split.threads) { part in
            let base = scratch + part * split.partFloats
            let dW = part == 0 ? weightGradient : base + chunkFloats
            let db = part == 0 ? biasGradient : biasGradient.map { _ in base + chunkFloats + g.outputChannels * g.patchSize }
            backward(x: x, dy: dy, dx: dx, samples: split.samples(part), chunk: split.chunk, geometry: g, weights: weights,
                     weightGradient: dW, biasGradient: db, scratch: base, threads: 1)
        }
        for part in 1..<split.threads {
            let partial = UnsafePointer(scratch + part * split.partFloats + chunkFloats)
            for index in 0..<(g.outputChannels * g.patchSize) { weightGradient[index] += partial[index] }
            if let biasGradient {
                for o in 0..<g.outputChannels { biasGradient[o] += partial[g.outputChannels * g.patchSize + o] }
            }
        }
    }

    /// How a batch splits across threads: `threads` parts of consecutive samples, each
    /// with `partFloats` of the scratch (an equal share of what `min(batch, samplesPerChunk)`
    /// samples take), processed `chunk` samples at a time after `reserving` Floats of its own.
    struct ThreadSplit {
        var threads: Int, batch: Int, chunk: Int, partFloats: Int
        /// The samples of part `part`.
        func samples(_ part: Int) -> Range<Int> { (part * batch / threads)..<((part + 1) * batch / threads) }
    }

    /// The split of `batch` samples over `threads` threads when there are several and each part gets at least
    /// four samples and a chunk of them in its share of the scratch; nil: one thread's GEMMs.
    static func threadSplit(batch: Int, geometry g: Geometry, reserving: Int, threads: Int) -> ThreadSplit? {
        guard threads > 1, batch >= 4 * threads else { return nil }
        let partFloats = Swift.min(batch, samplesPerChunk) * g.scratchPerSample / threads
        let chunk = (partFloats - reserving) / g.scratchPerSample
        guard chunk >= 1 else { return nil }
        return ThreadSplit(threads: threads, batch: batch, chunk: chunk, partFloats: partFloats)
    }

    /// `y = W * x + b` for `samples` of the batch, `chunk` at a time in `scratch`.
    private static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, samples: Range<Int>, chunk: Int,
                                geometry g: Geometry, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let plane = g.outputPlane, inputSize = g.inputChannels * g.height * g.width, outputSize = g.outputChannels * plane
        var start = samples.lowerBound
        while start < samples.upperBound {
            let n = Swift.min(chunk, samples.upperBound - start), width = n * plane
            let columns = scratch, product = scratch + g.patchSize * width
            im2col(x + start * inputSize, samples: n, geometry: g, columns: columns, threads: threads)
            gemm(m: g.outputChannels, n: width, k: g.patchSize, weights, lda: g.patchSize, .none,
                 UnsafePointer(columns), ldb: width, .none, product, ldc: width, threads: threads)
            KernelParallelism.forEachRange(n, workPerItem: outputSize, threads: threads) { samples in
                for b in samples {
                    let target = y + (start + b) * outputSize
                    for o in 0..<g.outputChannels {
                        let row = UnsafePointer(product + o * width + b * plane), out = target + o * plane
                        let shift = bias?[o] ?? 0
                        for q in 0..<plane { out[q] = row[q] + shift }
                    }
                }
            }
            start += n
        }
    }

    /// `dW` and `db` (overwritten) of `samples` of the batch, and their `dx` when given, `chunk`
    /// samples at a time in `scratch`.
    private static func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                                 samples: Range<Int>, chunk: Int, geometry g: Geometry, weights: UnsafePointer<Float>,
                                 weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
                                 scratch: UnsafeMutablePointer<Float>, threads: Int) {
        let plane = g.outputPlane, inputSize = g.inputChannels * g.height * g.width, outputSize = g.outputChannels * plane
        if let biasGradient { biasGradient.update(repeating: 0, count: g.outputChannels) }
        var start = samples.lowerBound
        while start < samples.upperBound {
            let n = Swift.min(chunk, samples.upperBound - start), width = n * plane
            let columns = scratch, product = scratch + g.patchSize * width
            // db[o] += Σ over the chunk's dy[b, o, :], summed while copying (the product is written once).
            for b in 0..<n {
                let source = dy + (start + b) * outputSize
                for o in 0..<g.outputChannels {
                    let sum = copyAndSum(source + o * plane, to: product + o * width + b * plane, count: plane)
                    if let biasGradient { biasGradient[o] += sum }
                }
            }
            im2col(x + start * inputSize, samples: n, geometry: g, columns: columns, threads: threads)
            gemm(m: g.outputChannels, n: g.patchSize, k: width, UnsafePointer(product), lda: width, .none,
                 UnsafePointer(columns), ldb: width, .transposed, weightGradient, ldc: g.patchSize, beta: start == samples.lowerBound ? 0 : 1, threads: threads)
            if let dx {
                gemm(m: g.patchSize, n: width, k: g.outputChannels, weights, lda: g.patchSize, .transposed,
                     UnsafePointer(product), ldb: width, .none, columns, ldc: width, threads: threads)
                col2im(UnsafePointer(columns), samples: n, geometry: g, into: dx + start * inputSize, threads: threads)
            }
            start += n
        }
    }

    /// Copies `count` Floats from `source` to `target` and returns their sum, in sixteen
    /// interleaved partial sums (a single running sum would be one add per float's latency).
    @inline(__always)
    private static func copyAndSum(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var sums = SIMD16<Float>(), q = 0
        while q + 16 <= count {
            let values = (source + q).vector(SIMD16<Float>.self)
            (target + q).store(values)
            sums += values
            q += 16
        }
        var sum = sums.sum()
        while q < count {
            target[q] = source[q]
            sum += source[q]
            q += 1
        }
        return sum
    }

    /// Copies a short row of `count` Floats, 8 at a time; the last 8 overlap the ones before
    /// (written twice with the same values) instead of a loop over the remainder.
    @inline(__always)
    private static func copyRow(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= 8 else {
            for q in 0..<count { target[q] = source[q] }
            return
        }
        var q = 0
        while q + 8 < count {
            (target + q).store((source + q).vector(SIMD8<Float>.self))
            q += 8
        }
        (target + count - 8).store((source + count - 8).vector(SIMD8<Float>.self))
    }

    /// `target[q] += source[q]` over a short row of `count` Floats: 8, then 4 at a time, then singly.
    @inline(__always)
    private static func addRow(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        var q = 0
        while q + 8 <= count {
            let sum = (target + q).vector(SIMD8<Float>.self) + (source + q).vector(SIMD8<Float>.self)
            (target + q).store(sum)
            q += 8
        }
        if q + 4 <= count {
            let sum = (target + q).vector(SIMD4<Float>.self) + (source + q).vector(SIMD4<Float>.self)
            (target + q).store(sum)
            q += 4
        }
        while q < count {
            target[q] += source[q]
            q += 1
        }
    }

    /// The output columns `ow` whose input column `ow s - p + j` lies inside `0..<W`.
    @inline(__always)
    private static func validColumns(_ j: Int, _ g: Geometry) -> Range<Int> {
        // ow s >= p - j  and  ow s <= W - 1 + p - j.
        let low = Swift.max(0, (g.padding - j + g.stride - 1) / g.stride)
        let highInput = g.width - 1 + g.padding - j
        let high = highInput < 0 ? 0 : Swift.min(g.outputWidth, highInput / g.stride + 1)
        return low..<Swift.max(low, high)
    }

    /// Visits every output row of every patch row of `n` samples: `visit(column, input, valid)`
    /// with `column` the offset of that row's `Wo` entries in the columns matrix, `input` the
    /// offset in `x` of input position (h, -p + j) of its plane (nil when row h is padding), and
    /// `valid` the output columns whose input lies inside the plane.
    /// Only the patch rows `rows` (of `0..<K`) and the samples `batch` (of `0..<n`) are visited.
    @inline(__always)
    private static func walk(samples n: Int, rows: Range<Int>, batch: Range<Int>, geometry g: Geometry,
                             _ visit: (_ column: Int, _ input: Int?, _ valid: Range<Int>) -> Void) {
        let plane = g.outputPlane, width = n * plane, inputPlane = g.height * g.width, window = g.kernel * g.kernel
        for patchRow in rows {
            let c = patchRow / window, i = patchRow % window / g.kernel, j = patchRow % g.kernel
            let row = patchRow * width
            let valid = validColumns(j, g)
            for b in batch {
                let source = (b * g.inputChannels + c) * inputPlane
                for oh in 0..<g.outputHeight {
                    let h = oh * g.stride - g.padding + i
                    visit(row + b * plane + oh * g.outputWidth, h >= 0 && h < g.height ? source + h * g.width - g.padding + j : nil, valid)
                }
            }
        }
    }

    /// Fills `columns` (K x nP) from `n` samples of `x`, zeros where the window hangs over the padding.
    /// Rows of the columns matrix are independent: with several threads they are split
    /// among them.
    static func im2col(_ x: UnsafePointer<Float>, samples n: Int, geometry g: Geometry, columns: UnsafeMutablePointer<Float>,
                       threads: Int = BLASRuntime.threadCount) {
        KernelParallelism.forEachRange(g.patchSize, workPerItem: n * g.outputPlane, threads: threads) { rows in
            if g.stride == 1 && g.padding == 0 {
                copyRows(x, samples: n, rows: rows, geometry: g, columns: columns)
            } else {
                im2col(x, samples: n, rows: rows, geometry: g, columns: columns)
            }
        }
    }

    /// ``im2col(_:samples:geometry:columns:)`` for stride 1 and no padding: every output row is
    /// `Wo` consecutive inputs, copied by an inline loop (no calls for the short rows).
    private static func copyRows(_ x: UnsafePointer<Float>, samples n: Int, rows: Range<Int>, geometry g: Geometry,
                                 columns: UnsafeMutablePointer<Float>) {
        let plane = g.outputPlane, width = n * plane, inputPlane = g.height * g.width, window = g.kernel * g.kernel
        let outputWidth = g.outputWidth
        for patchRow in rows {
            let c = patchRow / window, i = patchRow % window / g.kernel, j = patchRow % g.kernel
            var target = columns + patchRow * width
            for b in 0..<n {
                var line = x + (b * g.inputChannels + c) * inputPlane + i * g.width + j
                for _ in 0..<g.outputHeight {
                    copyRow(line, to: target, count: outputWidth)
                    target += outputWidth
                    line += g.width
                }
            }
        }
    }

    /// The general im2col over the patch rows `rows`.
    private static func im2col(_ x: UnsafePointer<Float>, samples n: Int, rows: Range<Int>, geometry g: Geometry,
                               columns: UnsafeMutablePointer<Float>) {
        walk(samples: n, rows: rows, batch: 0..<n, geometry: g) { column, input, valid in
            let target = columns + column
            guard let input else {
                target.update(repeating: 0, count: g.outputWidth)
                return
            }
            target.update(repeating: 0, count: valid.lowerBound)
            let line = x + input
            if g.stride == 1 {
                (target + valid.lowerBound).update(from: line + valid.lowerBound, count: valid.count)
            } else {
                for ow in valid { target[ow] = line[ow * g.stride] }
            }
            (target + valid.upperBound).update(repeating: 0, count: g.outputWidth - valid.upperBound)
        }
    }

    /// `dx` = zeros, then every entry of `columns` (K x nP) added back at the input position it
    /// was copied from.
    /// Samples are independent: with several threads they are split among them.
    static func col2im(_ columns: UnsafePointer<Float>, samples n: Int, geometry g: Geometry, into dx: UnsafeMutablePointer<Float>,
                       threads: Int = BLASRuntime.threadCount) {
        let inputSize = g.inputChannels * g.height * g.width
        KernelParallelism.forEachRange(n, workPerItem: g.patchSize * g.outputPlane, threads: threads) { batch in
            (dx + batch.lowerBound * inputSize).update(repeating: 0, count: batch.count * inputSize)
            walk(samples: n, rows: 0..<g.patchSize, batch: batch, geometry: g) { column, input, valid in
                guard let input else { return }
                let source = columns + column, line = dx + input
                if g.stride == 1 {
                    addRow(source + valid.lowerBound, to: line + valid.lowerBound, count: valid.count)
                } else {
                    for ow in valid { line[ow * g.stride] += source[ow] }
                }
            }
        }
    }
}
