/// 2-D max pooling per channel plane, PyTorch's `MaxPool2d` (floor mode, dilation 1, implicit
/// padding of -infinity; a NaN in a window wins, as PyTorch propagates it).
///
/// Shapes: `x` batch x C x H x W, `y` batch x C x Ho x Wo with `Ho = (H + 2p - k) / s + 1` (floor),
/// and `winners` batch x C x Ho x Wo holding each output's source position `h * W + w` in its plane.
enum MaxPoolKernel {
    /// The window geometry.
    struct Geometry {
        var channels: Int, height: Int, width: Int
        var outputHeight: Int, outputWidth: Int
        var kernel: Int, stride: Int, padding: Int
    }

    /// `y[b, c, i, j] = max over the window at (i s - p, j s - p)`, recording the winner.
    static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>,
                        batch: Int, geometry g: Geometry) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth
        if g.kernel == 2 && g.stride == 2 && g.padding == 0 {
            forwardTwoByTwo(x: x, y: y, winners: winners, batch: batch, geometry: g)
            return
        }
        for p in 0..<(batch * g.channels) {
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
                    target[i * g.outputWidth + j] = best
                    winner[i * g.outputWidth + j] = Int32(position)
                }
            }
        }
    }

    /// The forward of 2x2 windows with stride 2 and no padding (the `cnn` preset's), unrolled:
    /// the same winner as the general loop (the first maximum in row order, the first NaN).
    private static func forwardTwoByTwo(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>,
                                        batch: Int, geometry g: Geometry) {
        let plane = g.height * g.width
        KernelParallelism.forEachRange(batch * g.channels, workPerItem: plane) { planes in
            forwardTwoByTwo(x: x, y: y, winners: winners, planes: planes, geometry: g)
        }
    }

    /// ``forwardTwoByTwo(x:y:winners:batch:geometry:)`` over the channel planes `planes`.
    private static func forwardTwoByTwo(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>,
                                        planes: Range<Int>, geometry g: Geometry) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth
        @inline(__always) func take(_ value: Float, _ position: Int, _ best: inout Float, _ winner: inout Int) {
            if (value > best || value.isNaN) && !best.isNaN {
                best = value
                winner = position
            }
        }
        for p in planes {
            let source = x + p * plane, target = y + p * outputPlane, winner = winners + p * outputPlane
            for i in 0..<g.outputHeight {
                let top = 2 * i * g.width, bottom = top + g.width
                for j in 0..<g.outputWidth {
                    let left = 2 * j
                    var best = source[top + left], position = top + left
                    take(source[top + left + 1], top + left + 1, &best, &position)
                    take(source[bottom + left], bottom + left, &best, &position)
                    take(source[bottom + left + 1], bottom + left + 1, &best, &position)
                    target[i * g.outputWidth + j] = best
                    winner[i * g.outputWidth + j] = Int32(position)
                }
            }
        }
    }

    /// `dx` = zeros, then each output's gradient added at its winner (overlapping windows add up).
    static func backward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, winners: UnsafePointer<Int32>,
                         batch: Int, geometry g: Geometry) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth
        KernelParallelism.forEachRange(batch * g.channels, workPerItem: plane) { planes in
            (dx + planes.lowerBound * plane).update(repeating: 0, count: planes.count * plane)
            for p in planes {
                let target = dx + p * plane, gradient = dy + p * outputPlane, winner = winners + p * outputPlane
                for o in 0..<outputPlane { target[Int(winner[o])] += gradient[o] }
            }
        }
    }
}
