/// The shape a model's input layer sees, from the data's sample shape and an optional declared
/// one: an image for a model with a convolution or pooling layer, a vector otherwise.
extension ModelSpec {
    /// The input shape for samples of `dataShape` (the data's own: `1x28x28` for an IDX file or
    /// a bundled data set, a vector for a CSV file), or of `declared` when given.
    ///
    /// - A declared shape must hold exactly the data's values per sample.
    /// - A model that needs an image sees the declared shape, else the data's image shape, else
    ///   (vector data) a square one-channel image when the feature count is a square: 784 ->
    ///   `1x28x28`, 64 -> `1x8x8`.
    /// - Any other model sees the flat vector (a dense-only model never gets an implicit flatten).
    /// - Throws: ``InputShapeError`` when the declared shape does not hold the features, or the
    ///   model needs an image that the features do not form.
    public func inputShape(for dataShape: TensorShape, declared: TensorShape?) throws -> TensorShape {
        if let declared, declared.count != dataShape.count {
            throw InputShapeError(description: "the shape \(declared) holds \(declared.count) values, but the data's samples have \(dataShape.count) features")
        }
        guard needsImage else { return .vector(dataShape.count) }
        if let declared { return declared }
        if !dataShape.isVector { return dataShape }
        let count = dataShape.count
        var side = Int(Double(count).squareRoot().rounded())
        while side * side > count { side -= 1 }
        while (side + 1) * (side + 1) <= count { side += 1 }
        guard side * side == count else {
            throw InputShapeError(description: "the model needs an image, but its \(count) features are not a square one-channel image; give the image's shape (channels x height x width)")
        }
        return TensorShape(channels: 1, height: side, width: side)
    }
}

/// A declared input shape that does not fit the data, or data that forms no image for a model
/// that needs one.
public struct InputShapeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// One line.
    public var description: String
}
