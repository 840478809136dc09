/// The shape of one sample as it flows through a network: channels x height x width, stored
/// row-major (channel planes of `height` rows of `width` values), PyTorch's NCHW without the N.
///
/// A feature vector of `n` values is `n x 1 x 1`: its features are its channels. That way batch
/// norm's per-channel rule is PyTorch's `BatchNorm1d` per-feature rule on vectors and its
/// `BatchNorm2d` rule on images, with no special case; the flat storage is the same either way.
public struct TensorShape: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Channels (features, for a vector).
    public var channels: Int
    /// Rows of each channel plane (1 for a vector).
    public var height: Int
    /// Columns of each channel plane (1 for a vector).
    public var width: Int

    /// A `channels x height x width` shape.
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// A vector of `count` features.
    public static func vector(_ count: Int) -> TensorShape { TensorShape(channels: count, height: 1, width: 1) }

    /// Values per sample.
    public var count: Int { channels * height * width }

    /// Whether the shape is a plain feature vector (no spatial extent).
    public var isVector: Bool { height == 1 && width == 1 }

    /// Values in one channel plane.
    public var planeSize: Int { height * width }

    /// `784` for a vector, `1x28x28` for an image.
    public var description: String { isVector ? "\(channels)" : "\(channels)x\(height)x\(width)" }

    /// Whether ``count``, the product of the sizes, is too large for an `Int`.
    public var countOverflows: Bool {
        let plane = height.multipliedReportingOverflow(by: width)
        return plane.overflow || channels.multipliedReportingOverflow(by: plane.partialValue).overflow
    }

    /// Parses `CxHxW` (an image) or `N` (a vector).
    /// - Throws: ``TensorShapeError`` when the text is neither, a size is not positive, or the
    ///   sizes' product overflows a 64-bit count.
    public init(validating text: String) throws {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.allSatisfy({ ($0 ?? 0) > 0 }) else { throw TensorShapeError(description: "not N or CxHxW with sizes >= 1") }
        switch parts.count {
        case 1: self = .vector(parts[0]!)
        case 3: self.init(channels: parts[0]!, height: parts[1]!, width: parts[2]!)
        default: throw TensorShapeError(description: "not N or CxHxW with sizes >= 1")
        }
        guard !countOverflows else { throw TensorShapeError(description: "too large: its sizes overflow a 64-bit count") }
    }

    /// Parses `CxHxW` (an image) or `N` (a vector); nil when ``init(validating:)`` throws.
    public init?(parsing text: String) {
        guard let shape = try? TensorShape(validating: text) else { return nil }
        self = shape
    }
}

/// Text that is not a shape, or a shape too large to count.
public struct TensorShapeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// One line.
    public var description: String
}

extension TensorShape {
    /// Decodes the text form (`784`, `1x28x28`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try TensorShape(validating: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "shape '\(text)': \(error)")
        }
    }

    /// Encodes the text form (``description``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
