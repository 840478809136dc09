import Foundation

/// How a dense layer's weights and bias are drawn.
public enum WeightInitialization: String, CaseIterable, Codable, Sendable {
    /// PyTorch's `nn.Linear` default: weights by Kaiming-uniform with `a = sqrt(5)`, which
    /// reduces to U(-1/sqrt(fan_in), 1/sqrt(fan_in)); bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    case pytorch
    /// He et al. 2015, uniform: U(-sqrt(6/fan_in), sqrt(6/fan_in)) (ReLU gain sqrt 2); bias 0.
    case he
    /// He et al. 2015, normal: N(0, 2/fan_in); bias 0.
    case heNormal = "he-normal"
    /// Glorot & Bengio 2010, uniform: U(-sqrt(6/(fan_in+fan_out)), +sqrt(6/(fan_in+fan_out))); bias 0.
    case xavier
    /// Glorot & Bengio 2010, normal: N(0, 2/(fan_in+fan_out)); bias 0.
    case xavierNormal = "xavier-normal"

    /// Fills one dense layer's weights (outputs x inputs) and bias.
    func fill(weights: UnsafeMutableBufferPointer<Float>, bias: UnsafeMutableBufferPointer<Float>, fanIn: Int, fanOut: Int,
              random: inout RandomSource) {
        let fanIn = Float(fanIn), fanOut = Float(fanOut)
        switch self {
        case .pytorch:
            let bound = 1 / fanIn.squareRoot()
            for i in weights.indices { weights[i] = random.nextFloat(in: -bound, bound) }
            for i in bias.indices { bias[i] = random.nextFloat(in: -bound, bound) }
            return
        case .he:
            let bound = (6 / fanIn).squareRoot()
            for i in weights.indices { weights[i] = random.nextFloat(in: -bound, bound) }
        case .heNormal:
            let deviation = (2 / fanIn).squareRoot()
            for i in weights.indices { weights[i] = deviation * random.nextNormal() }
        case .xavier:
            let bound = (6 / (fanIn + fanOut)).squareRoot()
            for i in weights.indices { weights[i] = random.nextFloat(in: -bound, bound) }
        case .xavierNormal:
            let deviation = (2 / (fanIn + fanOut)).squareRoot()
            for i in weights.indices { weights[i] = deviation * random.nextNormal() }
        }
        for i in bias.indices { bias[i] = 0 }
    }
}
