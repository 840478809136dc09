/// A first-order optimizer that updates a flat parameter vector from its gradient.
///
/// The learning rate (and, for schedules that cycle it, the momentum or Adam's beta1) is an
/// input of every step rather than stored state, so a schedule drives the optimizer directly.
/// Implementations are value types: copying one copies its state (moment buffers, step count).
public protocol Optimizer: Sendable {
    /// Applies one update in place.
    /// - Parameters:
    ///   - parameters: every trainable value of the model, flat.
    ///   - gradients: the loss gradient, same layout and count as `parameters`.
    ///   - learningRate: the step size for this update.
    ///   - momentum: when not nil, replaces the configured momentum (SGD, RMSprop) or beta1
    ///     (Adam, AdamW) for this update, as PyTorch's cyclic schedules do.
    mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Float, momentum: Float?)

    /// The momentum (or beta1) this optimizer uses when none is passed; nil if it has none.
    var defaultMomentum: Float? { get }

    /// A short description with its settings, e.g. `AdamW(betas: 0.9, 0.999, eps: 1e-08, weight decay: 0.01)`.
    var summary: String { get }

    /// The parameters at which the model is evaluated, kept as the best and saved, given the
    /// trained `parameters`; nil when they are the trained parameters themselves (the default).
    /// Schedule-Free (Defazio et al. 2024, arXiv:2405.15682) trains at one sequence and
    /// evaluates at an average of its iterates.
    func evaluationParameters(for parameters: [Float]) -> [Float]?
}

extension Optimizer {
    /// The trained parameters themselves: nil.
    public func evaluationParameters(for parameters: [Float]) -> [Float]? { nil }
}
