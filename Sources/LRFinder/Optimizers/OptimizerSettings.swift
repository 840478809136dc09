/// The optimizers lrfind builds by name.
public enum OptimizerKind: String, CaseIterable, Sendable {
    /// `SGD`.
    case sgd
    /// `Adam` with L2 weight decay.
    case adam
    /// `Adam` with decoupled weight decay.
    case adamw
    /// `RMSprop`.
    case rmsprop

    /// PyTorch's default learning rate for this optimizer (`torch.optim`: SGD and Adam-family
    /// 1e-3, RMSprop 1e-2).
    public var defaultLearningRate: Float {
        self == .rmsprop ? 1e-2 : 1e-3
    }
}

/// An optimizer's name and settings; nil takes the optimizer's PyTorch default.
public struct OptimizerSettings: Equatable, Sendable {
    /// Which optimizer.
    public var kind: OptimizerKind
    /// SGD or RMSprop momentum.
    public var momentum: Float?
    /// SGD dampening.
    public var dampening: Float?
    /// SGD Nesterov momentum.
    public var nesterov = false
    /// Adam beta1.
    public var beta1: Float?
    /// Adam beta2.
    public var beta2: Float?
    /// Adam or RMSprop epsilon.
    public var epsilon: Float?
    /// Weight decay (AdamW default 0.01, others 0).
    public var weightDecay: Float?
    /// RMSprop alpha.
    public var alpha: Float?
    /// Centered RMSprop.
    public var centered = false
    /// AMSGrad for Adam and AdamW.
    public var amsgrad = false

    /// Settings for `kind` with every value at its default.
    public init(kind: OptimizerKind) { self.kind = kind }

    /// The configured optimizer; throws a one-line `OptimizerSettingsError` naming the option at fault.
    public func makeOptimizer() throws -> any Optimizer {
        func check(_ value: Float?, _ option: String, _ range: String, _ valid: (Float) -> Bool) throws {
            if let value, !(value.isFinite && valid(value)) {
                throw OptimizerSettingsError(description: "--\(option) must be \(range), got \(value)")
            }
        }
        try check(weightDecay, "weight-decay", ">= 0") { $0 >= 0 }
        try check(epsilon, "eps", "> 0") { $0 > 0 }
        try check(beta1, "beta1", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try check(beta2, "beta2", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try check(alpha, "alpha", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try check(momentum, "momentum", "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try check(dampening, "dampening", "in [0, 1]") { $0 >= 0 && $0 <= 1 }
        func reject(_ option: String, _ present: Bool) throws {
            if present { throw OptimizerSettingsError(description: "--\(option) does not apply to \(kind.rawValue)") }
        }
        let isAdam = kind == .adam || kind == .adamw
        try reject("beta1", beta1 != nil && !isAdam)
        try reject("beta2", beta2 != nil && !isAdam)
        try reject("amsgrad", amsgrad && !isAdam)
        try reject("momentum", momentum != nil && isAdam)
        try reject("dampening", dampening != nil && kind != .sgd)
        try reject("nesterov", nesterov && kind != .sgd)
        try reject("alpha", alpha != nil && kind != .rmsprop)
        try reject("centered", centered && kind != .rmsprop)
        try reject("eps", epsilon != nil && kind == .sgd)
        switch kind {
        case .sgd:
            if nesterov && ((momentum ?? 0) <= 0 || (dampening ?? 0) != 0) {
                throw OptimizerSettingsError(description: "--nesterov needs --momentum > 0 and --dampening 0")
            }
            return SGD(momentum: momentum ?? 0, dampening: dampening ?? 0, nesterov: nesterov, weightDecay: weightDecay ?? 0)
        case .adam:
            return Adam(beta1: beta1 ?? 0.9, beta2: beta2 ?? 0.999, epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 0, amsgrad: amsgrad)
        case .adamw:
            return Adam.adamW(beta1: beta1 ?? 0.9, beta2: beta2 ?? 0.999, epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 0.01, amsgrad: amsgrad)
        case .rmsprop:
            return RMSprop(alpha: alpha ?? 0.99, epsilon: epsilon ?? 1e-8, weightDecay: weightDecay ?? 0, momentum: momentum ?? 0, centered: centered)
        }
    }
}

/// An optimizer setting out of range or not applicable, in one line naming the option.
public struct OptimizerSettingsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The message.
    public var description: String
}
