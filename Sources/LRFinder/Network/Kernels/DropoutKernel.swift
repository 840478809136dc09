/// Inverted dropout (Srivastava et al. 2014) over `count` values (batch x width, flat).
enum DropoutKernel {
    /// In training with `probability > 0`: `mask[i]` = 0 with that probability, else
    /// `1 / (1 - probability)`, drawn in order from `random`, and `y = x * mask`. Otherwise `y = x`.
    static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>,
                        count: Int, probability: Float, training: Bool, random: inout RandomSource) {
        guard training, probability > 0 else {
            y.update(from: x, count: count)
            return
        }
        let keep = 1 / (1 - probability)
        for i in 0..<count { mask[i] = random.nextUnitFloat() < probability ? 0 : keep }
        for i in 0..<count { y[i] = x[i] * mask[i] }
    }

    /// `dx = dy * mask` after a training forward (`dx = dy` when nothing was dropped).
    static func backward(dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>,
                         count: Int, probability: Float) {
        guard probability > 0 else {
            dx.update(from: dy, count: count)
            return
        }
        for i in 0..<count { dx[i] = dy[i] * mask[i] }
    }
}
