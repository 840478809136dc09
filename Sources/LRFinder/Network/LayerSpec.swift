/// One layer of a network as the user describes it: the single vocabulary that `--model` parses
/// into, that a network is compiled from, and that prints back to the spec grammar.
///
/// Sizes that follow from the input (a dense layer's input width, a convolution's input channels,
/// a batch norm's channel count) are not part of the description: ``NetworkLayout`` works them out from the input shape.
public enum LayerSpec: Hashable, Codable, Sendable {
    /// Fully connected, PyTorch's `Linear`: `y = x Wᵀ + b` with `W` stored `units x inputs`.
    case dense(units: Int, bias: Bool)
    /// `max(x, 0)`.
    case relu
    /// `x` for `x > 0`, else `slope * x` (PyTorch's `LeakyReLU(negative_slope)`).
    case leakyReLU(slope: Float)
    /// `1 / (1 + e^-x)`.
    case sigmoid
    /// `tanh(x)`.
    case tanh
    /// `x Φ(x)` with the exact normal CDF, `x (1 + erf(x / √2)) / 2` (Hendrycks & Gimpel 2016,
    /// arXiv:1606.08415; PyTorch's `GELU()` default, not the tanh approximation).
    case gelu
    /// Inverted dropout (Srivastava et al. 2014): in training, zeroes each value with probability
    /// `probability` and scales the rest by `1 / (1 - probability)`; the identity at evaluation.
    case dropout(probability: Float)
    /// Batch normalisation (Ioffe & Szegedy 2015, arXiv:1502.03167) per channel, PyTorch's
    /// `BatchNorm1d` on vectors and `BatchNorm2d` on images: batch statistics in training,
    /// running statistics (updated with `momentum`, variance unbiased) in evaluation.
    case batchNorm(momentum: Float, epsilon: Float)
    /// 2-D convolution, PyTorch's `Conv2d(in, channels, kernel, stride, padding, bias)`: square
    /// kernel, zero padding, no dilation or groups; weight `channels x in x kernel x kernel`.
    case convolution(channels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool)
    /// 2-D max pooling over each channel plane, PyTorch's `MaxPool2d` (floor mode, no dilation).
    case maxPool(kernel: Int, stride: Int, padding: Int)
    /// 2-D average pooling over each channel plane, PyTorch's `AvgPool2d` (floor mode,
    /// `count_include_pad=True`: the zero padding counts in the divisor).
    case averagePool(kernel: Int, stride: Int, padding: Int)
    /// Reshapes `C x H x W` into a vector of `C * H * W` values (PyTorch's `Flatten`).
    case flatten

    /// Whether the layer needs an image input (a spatial extent to slide over).
    public var isSpatial: Bool {
        switch self {
        case .convolution, .maxPool, .averagePool: true
        default: false
        }
    }

    /// Whether the layer has trainable parameters.
    public var isTrainable: Bool {
        switch self {
        case .dense, .convolution, .batchNorm: true
        default: false
        }
    }
}
