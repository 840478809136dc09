/// `start + weight * (end - start)`, rounded the way PyTorch's scalar `torch.lerp` rounds it:
/// the form anchored at `start` for weights below 0.5, the form anchored at `end` otherwise.
///
/// Adam's first moment and centered RMSprop's gradient average are updated with
/// `lerp_(grad, 1 - beta)` in `torch.optim`, so this keeps them bit-compatible.
@inline(__always)
func interpolate(from start: Float, to end: Float, by weight: Float) -> Float {
    weight.magnitude < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight)
}
