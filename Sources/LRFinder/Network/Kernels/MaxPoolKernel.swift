/// 2-D max pooling per channel plane, PyTorch's `MaxPool2d` (floor mode, dilation 1, implicit
/// padding of -infinity; a NaN in a window wins, as PyTorch propagates it), optionally with the
/// ReLU before it fused in (`rectified`).
///
/// Shapes: `x` batch x C x H x W, `y` batch x C x Ho x Wo with `Ho = (H + 2p - k) / s + 1` (floor),
/// and `winners` batch x C x Ho x Wo holding each output's source position `h * W + w` in its plane.
///
/// Fusing ReLU then max pooling: max is monotone, so `maxpool(relu(x)) = relu(maxpool(x))` and the
/// ReLU runs on the pooled outputs only; its derivative at a window's winner is `y > 0`, so the
/// backward passes `dy` to the winner only where the pooled output is positive. Where ReLU's
/// output ties at zero (every value of a window at most 0) both give a zero gradient, so the
/// fused pair's gradients equal the separate layers' exactly.
enum MaxPoolKernel {
    /// The window geometry.
    struct Geometry {
        var channels: Int, height: Int, width: Int
        var outputHeight: Int, outputWidth: Int
        var kernel: Int, stride: Int, padding: Int

        /// Whether the windows are 2x2 with stride 2 and no padding (the presets' pooling).
        var isTwoByTwo: Bool { kernel == 2 && stride == 2 && padding == 0 }
    }

    /// `y[b, c, i, j] = max over the window at (i s - p, j s - p)` (then `max(·, 0)` when
    /// `rectified`), recording the winner.
    static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>,
                        batch: Int, geometry g: Geometry, rectified: Bool = false) {
        let plane = g.height * g.width
        KernelParallelism.forEachRange(batch * g.channels, workPerItem: plane) { planes in
            if g.isTwoByTwo {
                forwardTwoByTwo(x: x, y: y, winners: winners, planes: planes, geometry: g, rectified: rectified)
            } else {
                forward(x: x, y: y, winners: winners, planes: planes, geometry: g, rectified: rectified)
            }
        }
    }

    /// The general forward over the channel planes `planes`.
    private static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>,
                                planes: Range<Int>, geometry g: Geometry, rectified: Bool) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth
        for p in planes {
            let source = x + p * plane, target = y + p * outputPlane, winner = winners + p * outputPlane
            for i in 0..<g.outputHeight {
                let top = i * g.stride - g.padding
                let rows = Swift.max(top, 0)..<Swift.min(top + g.kernel, g.height)
                for j in 0..<g.outputWidth {
                    let left = j * g.stride - g.padding
                    let columns = Swift.max(left, 0)..<Swift.min(left + g.kernel, g.width)
                    var best = -Float.infinity, position = rows.lowerBound * g.width + columns.lowerBound
                    window: for h in rows {
                        for w in columns {
                            let value = source[h * g.width + w]
                            if value > best || value.isNaN {
                                best = value
                                position = h * g.width + w
                                if value.isNaN { break window }
                            }
                        }
                    }
                    target[i * g.outputWidth + j] = rectified && best < 0 ? 0 : best
                    winner[i * g.outputWidth + j] = Int32(position)
                }
            }
        }
    }

    /// The forward of 2x2 windows with stride 2 and no padding over the channel planes `planes`,
    /// four windows at a time with vector selects (no branches on the data): the same winner as
    /// the general loop (the first maximum in row order, the first NaN).
    private static func forwardTwoByTwo(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>,
                                        planes: Range<Int>, geometry g: Geometry, rectified: Bool) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth, width = g.width
        let wide = g.outputWidth / 4 * 4
        let lanes = SIMD4<Int32>(0, 2, 4, 6), offsets = (Int32(1), Int32(width), Int32(width + 1))
        // Takes `value` where it beats `best` or is a NaN, unless `best` already is a NaN.
        @inline(__always) func take(_ value: SIMD4<Float>, _ offset: Int32, _ best: inout SIMD4<Float>, _ code: inout SIMD4<Int32>) {
            let wins = (value .> best .| value .!= value) .& best .== best
            best.replace(with: value, where: wins)
            code.replace(with: offset, where: wins)
        }
        @inline(__always) func take(_ value: Float, _ offset: Int32, _ best: inout Float, _ code: inout Int32) {
            let wins = (value > best || value.isNaN) && !best.isNaN
            best = wins ? value : best
            code = wins ? offset : code
        }
        for p in planes {
            let source = x + p * plane, target = y + p * outputPlane, winner = winners + p * outputPlane
            for i in 0..<g.outputHeight {
                let top = 2 * i * width, upper = source + top, lower = upper + width
                let output = target + i * g.outputWidth, positions = winner + i * g.outputWidth
                var j = 0
                while j < wide {
                    let first = (upper + 2 * j).vector(SIMD8<Float>.self)
                    let second = (lower + 2 * j).vector(SIMD8<Float>.self)
                    var best = first.evenHalf, code = SIMD4<Int32>(repeating: 0)
                    take(first.oddHalf, offsets.0, &best, &code)
                    take(second.evenHalf, offsets.1, &best, &code)
                    take(second.oddHalf, offsets.2, &best, &code)
                    if rectified { best.replace(with: 0, where: best .< 0) }
                    (output + j).store(best)
                    let position = code &+ lanes &+ Int32(top + 2 * j)
                    (positions + j).store(position)
                    j += 4
                }
                while j < g.outputWidth {
                    var best = upper[2 * j], code: Int32 = 0
                    take(upper[2 * j + 1], offsets.0, &best, &code)
                    take(lower[2 * j], offsets.1, &best, &code)
                    take(lower[2 * j + 1], offsets.2, &best, &code)
                    output[j] = rectified && best < 0 ? 0 : best
                    positions[j] = code + Int32(top + 2 * j)
                    j += 1
                }
            }
        }
    }

    /// `dx` = zeros, then each output's gradient added at its winner (overlapping windows add
    /// up). With `rectifiedOutput` (the forward's `y` when it was `rectified`), only outputs
    /// above 0 pass their gradient.
    static func backward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, winners: UnsafePointer<Int32>,
                         batch: Int, geometry g: Geometry, rectifiedOutput y: UnsafePointer<Float>? = nil) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth
        KernelParallelism.forEachRange(batch * g.channels, workPerItem: plane) { planes in
            if g.isTwoByTwo {
                backwardTwoByTwo(dy: dy, dx: dx, winners: winners, planes: planes, geometry: g, rectifiedOutput: y)
                return
            }
            (dx + planes.lowerBound * plane).update(repeating: 0, count: planes.count * plane)
            for p in planes {
                let target = dx + p * plane, gradient = dy + p * outputPlane, winner = winners + p * outputPlane
                if let y {
                    let output = y + p * outputPlane
                    for o in 0..<outputPlane where output[o] > 0 { target[Int(winner[o])] += gradient[o] }
                } else {
                    for o in 0..<outputPlane { target[Int(winner[o])] += gradient[o] }
                }
            }
        }
    }

    /// The backward of 2x2 windows with stride 2 over the planes `planes`: the windows do not
    /// overlap, so every input of a window is written once (its gradient or 0) with no separate
    /// zeroing pass; only the last row and column an odd plane leaves out are zeroed.
    private static func backwardTwoByTwo(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, winners: UnsafePointer<Int32>,
                                         planes: Range<Int>, geometry g: Geometry, rectifiedOutput y: UnsafePointer<Float>?) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth, width = g.width
        let coveredWidth = 2 * g.outputWidth, coveredHeight = 2 * g.outputHeight
        let wide = g.outputWidth / 4 * 4, lanes = SIMD4<Int32>(0, 2, 4, 6)
        let codes = (SIMD4<Int32>(repeating: 1), SIMD4<Int32>(repeating: Int32(width)), SIMD4<Int32>(repeating: Int32(width + 1)))
        for p in planes {
            let target = dx + p * plane, gradient = dy + p * outputPlane, winner = winners + p * outputPlane
            let output = y.map { $0 + p * outputPlane }
            for i in 0..<g.outputHeight {
                let top = 2 * i * width, upper = target + top, lower = upper + width, row = i * g.outputWidth
                var j = 0
                // Four windows: their gradients spread over 8 inputs of each of the two rows.
                while j < wide {
                    var value = (gradient + row + j).vector(SIMD4<Float>.self)
                    if let output {
                        let pooled = (output + row + j).vector(SIMD4<Float>.self)
                        value.replace(with: 0, where: .!(pooled .> 0))
                    }
                    let code = (winner + row + j).vector(SIMD4<Int32>.self) &- lanes &- Int32(top + 2 * j)
                    let zero = SIMD4<Float>()
                    var first = SIMD8<Float>(), second = SIMD8<Float>()
                    first.evenHalf = zero.replacing(with: value, where: code .== 0)
                    first.oddHalf = zero.replacing(with: value, where: code .== codes.0)
                    second.evenHalf = zero.replacing(with: value, where: code .== codes.1)
                    second.oddHalf = zero.replacing(with: value, where: code .== codes.2)
                    (upper + 2 * j).store(first)
                    (lower + 2 * j).store(second)
                    j += 4
                }
                while j < g.outputWidth {
                    let o = row + j
                    var value = gradient[o]
                    if let output { value = output[o] > 0 ? value : 0 }
                    let code = Int(winner[o]) - top - 2 * j
                    upper[2 * j] = code == 0 ? value : 0
                    upper[2 * j + 1] = code == 1 ? value : 0
                    lower[2 * j] = code == width ? value : 0
                    lower[2 * j + 1] = code == width + 1 ? value : 0
                    j += 1
                }
                if coveredWidth < width {
                    upper[coveredWidth] = 0
                    lower[coveredWidth] = 0
                }
            }
            if coveredHeight < g.height { (target + coveredHeight * width).update(repeating: 0, count: width) }
        }
    }
}
