/// The optimizers lrfind builds by name.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    /// `SGD`.
    case sgd
    /// `Adam`, with L2 weight decay (`torch.optim.Adam`).
    case adam
    /// `Adam` with decoupled weight decay (`torch.optim.AdamW`), built by `Adam.adamW`.
    case adamw
    /// `RMSprop`.
    case rmsprop

    /// PyTorch's default learning rate for this optimizer: 1e-3 for `torch.optim.SGD` (since
    /// PyTorch 2.2), `Adam` and `AdamW`; 1e-2 for `torch.optim.RMSprop`.
    public var defaultLearningRate: Float {
        switch self {
        case .sgd, .adam, .adamw: 1e-3
        case .rmsprop: 1e-2
        }
    }
}

/// An optimizer's name and settings, as given on the command line or held in a run recipe; nil
/// takes the optimizer's PyTorch default.
///
/// Encoded with its property names as keys; a nil value is left out, and a missing `nesterov`,
/// `centered` or `amsgrad` decodes as false.
public struct OptimizerSettings: Codable, Equatable, Sendable {
    /// Which optimizer to build.
    public var kind: OptimizerKind
    /// SGD or RMSprop momentum (default 0).
    public var momentum: Float?
    /// Adam or AdamW beta1 (default 0.9).
    public var beta1: Float?
    /// Adam or AdamW beta2 (default 0.999).
    public var beta2: Float?
    /// Adam, AdamW or RMSprop epsilon (default 1e-8).
    public var epsilon: Float?
    /// Weight decay: decoupled for AdamW (default 0.01), an L2 penalty otherwise (default 0).
    public var weightDecay: Float?
    /// SGD dampening (default 0).
    public var dampening: Float?
    /// SGD Nesterov momentum.
    public var nesterov: Bool
    /// RMSprop smoothing constant (default 0.99).
    public var alpha: Float?
    /// Centered RMSprop.
    public var centered: Bool
    /// AMSGrad for Adam and AdamW.
    public var amsgrad: Bool

    /// Settings for `kind`; every value left out takes its default.
    public init(kind: OptimizerKind, momentum: Float? = nil, beta1: Float? = nil, beta2: Float? = nil,
                epsilon: Float? = nil, weightDecay: Float? = nil, dampening: Float? = nil, nesterov: Bool = false,
                alpha: Float? = nil, centered: Bool = false, amsgrad: Bool = false) {
        self.kind = kind
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.dampening = dampening
        self.nesterov = nesterov
        self.alpha = alpha
        self.centered = centered
        self.amsgrad = amsgrad
    }

    /// Decodes settings in which `kind` is required, every other value optional, and the flags
    /// default to false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try container.decode(OptimizerKind.self, forKey: .kind),
                  momentum: try container.decodeIfPresent(Float.self, forKey: .momentum),
                  beta1: try container.decodeIfPresent(Float.self, forKey: .beta1),
                  beta2: try container.decodeIfPresent(Float.self, forKey: .beta2),
                  epsilon: try container.decodeIfPresent(Float.self, forKey: .epsilon),
                  weightDecay: try container.decodeIfPresent(Float.self, forKey: .weightDecay),
                  dampening: try container.decodeIfPresent(Float.self, forKey: .dampening),
                  nesterov: try container.decodeIfPresent(Bool.self, forKey: .nesterov) ?? false,
                  alpha: try container.decodeIfPresent(Float.self, forKey: .alpha),
                  centered: try container.decodeIfPresent(Bool.self, forKey: .centered) ?? false,
                  amsgrad: try container.decodeIfPresent(Bool.self, forKey: .amsgrad) ?? false)
    }

    /// The configured optimizer.
    /// - Throws: `OptimizerSettingsError`, one line naming the setting: a value out of range, a
    ///   setting the optimizer does not have, or Nesterov without momentum.
    public func makeOptimizer() throws -> any Optimizer {
        try checkRanges()
        try checkApplicability()
        switch kind {
        case .sgd:
            if nesterov && ((momentum ?? 0) <= 0 || (dampening ?? 0) != 0) {
                throw OptimizerSettingsError(description: "nesterov needs momentum > 0 and dampening 0")
            }
            return try SGD(momentum: momentum ?? 0, dampening: dampening ?? 0, nesterov: nesterov, weightDecay: weightDecay ?? 0)
        case .adam:
            return Adam(beta1: beta1 ?? 0.9, beta2: beta2 ?? 0.999, epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 0,
                        amsgrad: amsgrad)
        case .adamw:
            return Adam.adamW(beta1: beta1 ?? 0.9, beta2: beta2 ?? 0.999, epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 0.01,
                              amsgrad: amsgrad)
        case .rmsprop:
            return RMSprop(alpha: alpha ?? 0.99, epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 0, momentum: momentum ?? 0,
                           centered: centered)
        }
    }

    private func checkRanges() throws {
        func check(_ value: Float?, _ setting: String, _ range: String, _ isValid: (Float) -> Bool) throws {
            if let value, !(value.isFinite && isValid(value)) {
                throw OptimizerSettingsError(description: "\(setting) must be \(range), got \(value)")
            }
        }
        try check(weightDecay, "weightDecay", ">= 0") { $0 >= 0 }
        try check(epsilon, "epsilon", "> 0") { $0 > 0 }
        try check(beta1, "beta1", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try check(beta2, "beta2", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try check(alpha, "alpha", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try check(momentum, "momentum", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try check(dampening, "dampening", "in [0, 1]") { $0 >= 0 && $0 <= 1 }
    }

    private func checkApplicability() throws {
        func reject(_ setting: String, when isSet: Bool) throws {
            if isSet { throw OptimizerSettingsError(description: "\(setting) does not apply to \(kind.rawValue)") }
        }
        let isAdam = kind == .adam || kind == .adamw
        try reject("beta1", when: beta1 != nil && !isAdam)
        try reject("beta2", when: beta2 != nil && !isAdam)
        try reject("amsgrad", when: amsgrad && !isAdam)
        try reject("momentum", when: momentum != nil && isAdam)
        try reject("dampening", when: dampening != nil && kind != .sgd)
        try reject("nesterov", when: nesterov && kind != .sgd)
        try reject("alpha", when: alpha != nil && kind != .rmsprop)
        try reject("centered", when: centered && kind != .rmsprop)
        try reject("epsilon", when: epsilon != nil && kind == .sgd)
    }
}

/// An invalid optimizer setting, described in one line that names the setting.
public struct OptimizerSettingsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The message, e.g. `momentum must be in [0, 1), got 1.5`, with the setting named as
    /// `OptimizerSettings` spells it.
    public var description: String

    /// An error with `description` as its message.
    public init(description: String) { self.description = description }
}
