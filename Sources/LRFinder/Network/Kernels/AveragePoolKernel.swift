/// 2-D average pooling per channel plane, PyTorch's `AvgPool2d` with its defaults: floor mode and
/// `count_include_pad=True` (the zero padding counts in the divisor; `divisor_override` unset).
///
/// Shapes: `x` batch x C x H x W, `y` batch x C x Ho x Wo with `Ho = (H + 2p - k) / s + 1`
/// (floor). The window of output (i, j) starts at (i s - p, j s - p); as in ATen's
/// `avg_pool2d`, its divisor is the window clipped to the padded plane, `(min(top + k, H + p) -
/// top) x (min(left + k, W + p) - left)`, and its sum runs over the part inside the plane.
enum AveragePoolKernel {
    /// The window geometry (the same as max pooling's).
    typealias Geometry = MaxPoolKernel.Geometry

    /// The rows (or columns) of the window starting at `start` inside `0..<size`, and its divisor
    /// factor along that axis.
    @inline(__always)
    private static func span(_ start: Int, size: Int, _ g: Geometry) -> (Range<Int>, Int) {
        let padded = Swift.min(start + g.kernel, size + g.padding) - start
        return (Swift.max(start, 0)..<Swift.min(start + g.kernel, size), padded)
    }

    /// `y[b, c, i, j]` = the sum over the window / its divisor.
    static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, batch: Int, geometry g: Geometry) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth
        for p in 0..<(batch * g.channels) {
            let source = x + p * plane, target = y + p * outputPlane
            for i in 0..<g.outputHeight {
                let (rows, height) = span(i * g.stride - g.padding, size: g.height, g)
                for j in 0..<g.outputWidth {
                    let (columns, width) = span(j * g.stride - g.padding, size: g.width, g)
                    var sum: Float = 0
                    for h in rows { for w in columns { sum += source[h * g.width + w] } }
                    target[i * g.outputWidth + j] = sum / Float(height * width)
                }
            }
        }
    }

    /// `dx` = zeros, then each output's gradient / its divisor added over its window.
    static func backward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, batch: Int, geometry g: Geometry) {
        let plane = g.height * g.width, outputPlane = g.outputHeight * g.outputWidth
        dx.update(repeating: 0, count: batch * g.channels * plane)
        for p in 0..<(batch * g.channels) {
            let target = dx + p * plane, gradient = dy + p * outputPlane
            for i in 0..<g.outputHeight {
                let (rows, height) = span(i * g.stride - g.padding, size: g.height, g)
                for j in 0..<g.outputWidth {
                    let (columns, width) = span(j * g.stride - g.padding, size: g.width, g)
                    let share = gradient[i * g.outputWidth + j] / Float(height * width)
                    for h in rows { for w in columns { target[h * g.width + w] += share } }
                }
            }
        }
    }
}
