/// How `Adam` applies its weight decay.
public enum WeightDecayMode: String, CaseIterable, Codable, Sendable {
    /// An L2 penalty added to the gradient, `g = grad + weightDecay * p`, as `torch.optim.Adam` does.
    case l2
    /// A shrink of the weights before the step, `p = p * (1 - lr * weightDecay)`, as
    /// `torch.optim.AdamW` does (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization").
    case decoupled
}
