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
    public var defaultLearningRate: Double {
        switch self {
        case .sgd, .adam, .adamw: 1e-3
        case .rmsprop: 1e-2
        }
    }
}

/// An optimizer and its settings, as given on the command line or held in a run recipe: one case
/// per optimizer, each with the settings it has (PyTorch's names and defaults). Values are the
/// Doubles the user gave; they become Floats only in the optimizer itself.
///
/// Encoded flat, the kind and the settings that differ from their defaults:
/// `{"kind": "sgd", "momentum": 0.9, "nesterov": true}`; a setting the optimizer does not have is
/// refused on decoding.
public enum OptimizerSettings: Equatable, Sendable {
    /// `torch.optim.SGD`.
    case sgd(SGDSettings)
    /// `torch.optim.Adam` (L2 weight decay).
    case adam(AdamSettings)
    /// `torch.optim.AdamW` (decoupled weight decay, default 0.01).
    case adamW(AdamSettings)
    /// `torch.optim.RMSprop`.
    case rmsprop(RMSpropSettings)

    /// `kind` with every setting at its default.
    public init(kind: OptimizerKind) {
        switch kind {
        case .sgd: self = .sgd(SGDSettings())
        case .adam: self = .adam(AdamSettings.adamDefaults)
        case .adamw: self = .adamW(AdamSettings.adamWDefaults)
        case .rmsprop: self = .rmsprop(RMSpropSettings())
        }
    }

    /// Which optimizer.
    public var kind: OptimizerKind {
        switch self {
        case .sgd: .sgd
        case .adam: .adam
        case .adamW: .adamw
        case .rmsprop: .rmsprop
        }
    }

    /// Whether the optimizer keeps a momentum buffer as set (SGD or RMSprop momentum above 0).
    public var hasMomentum: Bool {
        switch self {
        case let .sgd(settings): settings.momentum > 0
        case let .rmsprop(settings): settings.momentum > 0
        case .adam, .adamW: false
        }
    }

    /// The configured optimizer.
    /// - Throws: `OptimizerSettingsError`, one line naming the setting: a value out of range, or
    ///   Nesterov without momentum.
    public func makeOptimizer() throws -> any Optimizer {
        switch self {
        case let .sgd(s):
            try check(s.momentum, "momentum", "in [0, 1)") { $0 >= 0 && $0 < 1 }
            try check(s.dampening, "dampening", "in [0, 1]") { $0 >= 0 && $0 <= 1 }
            try check(s.weightDecay, "weightDecay", ">= 0") { $0 >= 0 }
            if s.nesterov && (s.momentum <= 0 || s.dampening != 0) {
                throw OptimizerSettingsError(description: "nesterov needs momentum > 0 and dampening 0")
            }
            return try SGD(momentum: Float(s.momentum), dampening: Float(s.dampening), nesterov: s.nesterov, weightDecay: Float(s.weightDecay))
        case let .adam(s), let .adamW(s):
            try check(s.weightDecay, "weightDecay", ">= 0") { $0 >= 0 }
            try check(s.epsilon, "epsilon", "> 0") { $0 > 0 }
            try check(s.beta1, "beta1", "in [0, 1)") { $0 >= 0 && $0 < 1 }
            try check(s.beta2, "beta2", "in [0, 1)") { $0 >= 0 && $0 < 1 }
            if kind == .adam {
                return Adam(beta1: Float(s.beta1), beta2: Float(s.beta2), epsilon: Float(s.epsilon), weightDecay: Float(s.weightDecay),
                            amsgrad: s.amsgrad)
            }
            return Adam.adamW(beta1: Float(s.beta1), beta2: Float(s.beta2), epsilon: Float(s.epsilon), weightDecay: Float(s.weightDecay),
                              amsgrad: s.amsgrad)
        case let .rmsprop(s):
            try check(s.weightDecay, "weightDecay", ">= 0") { $0 >= 0 }
            try check(s.epsilon, "epsilon", "> 0") { $0 > 0 }
            try check(s.alpha, "alpha", "in [0, 1)") { $0 >= 0 && $0 < 1 }
            try check(s.momentum, "momentum", "in [0, 1)") { $0 >= 0 && $0 < 1 }
            return RMSprop(alpha: Float(s.alpha), epsilon: Float(s.epsilon), weightDecay: Float(s.weightDecay), momentum: Float(s.momentum),
                           centered: s.centered)
        }
    }

    /// ``makeOptimizer()``'s checks, as a recipe's error naming the optimizer.
    /// - Throws: ``RecipeError`` on ``RecipeSetting/optimizer``.
    public func validateForRecipe() throws {
        do { _ = try makeOptimizer() } catch {
            throw RecipeError(setting: .optimizer, value: kind.rawValue, reason: "\(error)")
        }
    }

    /// Throws unless `value` is finite and `isValid`.
    private func check(_ value: Double, _ setting: String, _ range: String, _ isValid: (Double) -> Bool) throws {
        guard value.isFinite && isValid(value) else {
            throw OptimizerSettingsError(description: "\(setting) must be \(range), got \(value)")
        }
    }
}

/// The settings of `torch.optim.SGD`, with its defaults.
public struct SGDSettings: Equatable, Sendable {
    /// Momentum (default 0).
    public var momentum: Double
    /// Dampening of the momentum (default 0).
    public var dampening: Double
    /// Nesterov momentum.
    public var nesterov: Bool
    /// L2 weight decay (default 0).
    public var weightDecay: Double

    /// Settings; every value left out takes PyTorch's default.
    public init(momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }
}

/// The settings of `torch.optim.Adam` and `AdamW`, with their defaults (weight decay 0 for Adam,
/// 0.01 for AdamW).
public struct AdamSettings: Equatable, Sendable {
    /// The first moment's decay (default 0.9).
    public var beta1: Double
    /// The second moment's decay (default 0.999).
    public var beta2: Double
    /// Added to the denominator (default 1e-8).
    public var epsilon: Double
    /// Weight decay: an L2 penalty for Adam, decoupled for AdamW.
    public var weightDecay: Double
    /// The AMSGrad variant.
    public var amsgrad: Bool

    /// Settings; every value left out takes PyTorch's default (Adam's weight decay 0).
    public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
    }

    /// Adam's defaults.
    public static let adamDefaults = AdamSettings()
    /// AdamW's defaults (weight decay 0.01).
    public static let adamWDefaults = AdamSettings(weightDecay: 0.01)
}

/// The settings of `torch.optim.RMSprop`, with its defaults.
public struct RMSpropSettings: Equatable, Sendable {
    /// The square average's smoothing constant (default 0.99).
    public var alpha: Double
    /// Added to the denominator (default 1e-8).
    public var epsilon: Double
    /// L2 weight decay (default 0).
    public var weightDecay: Double
    /// Momentum (default 0).
    public var momentum: Double
    /// Centered RMSprop (divides by the estimated variance).
    public var centered: Bool

    /// Settings; every value left out takes PyTorch's default.
    public init(alpha: Double = 0.99, epsilon: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }
}

extension OptimizerSettings: Codable {
    private enum Keys: String, CodingKey, CaseIterable {
        case kind, momentum, dampening, nesterov, weightDecay, beta1, beta2, epsilon, amsgrad, alpha, centered
    }

    /// The keys each optimizer has.
    private static func keys(of kind: OptimizerKind) -> [Keys] {
        switch kind {
        case .sgd: [.kind, .momentum, .dampening, .nesterov, .weightDecay]
        case .adam, .adamw: [.kind, .beta1, .beta2, .epsilon, .weightDecay, .amsgrad]
        case .rmsprop: [.kind, .alpha, .epsilon, .weightDecay, .momentum, .centered]
        }
    }

    /// Decodes the kind and its settings; a missing setting takes its default, one the optimizer
    /// does not have is refused.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let kind = try container.decode(OptimizerKind.self, forKey: .kind)
        try decoder.refuseUnknownKeys(Self.keys(of: kind).map(\.rawValue), in: "optimizer \(kind.rawValue)")
        func value(_ key: Keys, _ defaultValue: Double) throws -> Double { try container.decode(Double.self, forKey: key, default: defaultValue) }
        func flag(_ key: Keys) throws -> Bool { try container.decode(Bool.self, forKey: key, default: false) }
        switch kind {
        case .sgd:
            let d = SGDSettings()
            self = .sgd(SGDSettings(momentum: try value(.momentum, d.momentum), dampening: try value(.dampening, d.dampening),
                                    nesterov: try flag(.nesterov), weightDecay: try value(.weightDecay, d.weightDecay)))
        case .adam, .adamw:
            let d = kind == .adam ? AdamSettings.adamDefaults : AdamSettings.adamWDefaults
            let settings = AdamSettings(beta1: try value(.beta1, d.beta1), beta2: try value(.beta2, d.beta2), epsilon: try value(.epsilon, d.epsilon),
                                        weightDecay: try value(.weightDecay, d.weightDecay), amsgrad: try flag(.amsgrad))
            self = kind == .adam ? .adam(settings) : .adamW(settings)
        case .rmsprop:
            let d = RMSpropSettings()
            self = .rmsprop(RMSpropSettings(alpha: try value(.alpha, d.alpha), epsilon: try value(.epsilon, d.epsilon),
                                            weightDecay: try value(.weightDecay, d.weightDecay), momentum: try value(.momentum, d.momentum),
                                            centered: try flag(.centered)))
        }
    }

    /// Encodes the kind and the settings that differ from its defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case let .sgd(s):
            let d = SGDSettings()
            try container.encode(s.momentum, forKey: .momentum, unlessEqualTo: d.momentum)
            try container.encode(s.dampening, forKey: .dampening, unlessEqualTo: d.dampening)
            try container.encode(s.nesterov, forKey: .nesterov, unlessEqualTo: d.nesterov)
            try container.encode(s.weightDecay, forKey: .weightDecay, unlessEqualTo: d.weightDecay)
        case let .adam(s), let .adamW(s):
            let d = kind == .adam ? AdamSettings.adamDefaults : AdamSettings.adamWDefaults
            try container.encode(s.beta1, forKey: .beta1, unlessEqualTo: d.beta1)
            try container.encode(s.beta2, forKey: .beta2, unlessEqualTo: d.beta2)
            try container.encode(s.epsilon, forKey: .epsilon, unlessEqualTo: d.epsilon)
            try container.encode(s.weightDecay, forKey: .weightDecay, unlessEqualTo: d.weightDecay)
            try container.encode(s.amsgrad, forKey: .amsgrad, unlessEqualTo: d.amsgrad)
        case let .rmsprop(s):
            let d = RMSpropSettings()
            try container.encode(s.alpha, forKey: .alpha, unlessEqualTo: d.alpha)
            try container.encode(s.epsilon, forKey: .epsilon, unlessEqualTo: d.epsilon)
            try container.encode(s.weightDecay, forKey: .weightDecay, unlessEqualTo: d.weightDecay)
            try container.encode(s.momentum, forKey: .momentum, unlessEqualTo: d.momentum)
            try container.encode(s.centered, forKey: .centered, unlessEqualTo: d.centered)
        }
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
