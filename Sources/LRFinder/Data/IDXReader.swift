import Foundation

/// The IDX format of the MNIST distribution (LeCun et al.): a big-endian header
/// `0x00 0x00 TYPE DIMS`, DIMS 32-bit sizes, then the values in row-major order.
enum IDXReader {
    /// Whether the bytes start like an IDX file (two zero bytes, a known type code, 1-4 dimensions).
    static func looksLikeIDX(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && elementSize(bytes[2]) != nil && (1...4).contains(bytes[3])
    }

    /// Images (N x d1 x d2 ...) and labels (N) as a data set with N x (d1 * d2 ...) features.
    static func load(images: String, labels: String) throws -> Dataset {
        let (imageShape, imageValues) = try read(images)
        let (labelShape, labelValues) = try read(labels)
        guard labelShape.count == 1 else {
            throw DataError(file: labels, message: "labels file must have 1 dimension, found \(labelShape.count)")
        }
        guard imageShape[0] == labelShape[0] else {
            throw DataError(file: labels, message: "\(labelShape[0]) labels for \(imageShape[0]) images in \(images)")
        }
        let count = imageShape[0]
        guard count > 0 else { throw DataError(file: images, message: "no data rows") }
        let width = imageShape.dropFirst().reduce(1, *)
        var labelArray = [Int32](repeating: 0, count: count)
        for (index, value) in labelValues.enumerated() {
            if let problem = ClassLabels.problem(with: value) {
                throw DataError(file: labels, message: "label \(index + 1) \(problem)", text: "\(value)")
            }
            labelArray[index] = Int32(value)
        }
        return Dataset(features: Matrix(rows: count, columns: width, storage: imageValues.map(Float.init)), labels: labelArray,
                       source: images, shape: Self.sampleShape(Array(imageShape.dropFirst())))
    }

    /// One sample's shape from the dimensions after the count: `H x W` is a one-channel image,
    /// `C x H x W` an image of C channels, anything else a vector.
    static func sampleShape(_ dimensions: [Int]) -> TensorShape {
        switch dimensions.count {
        case 2: TensorShape(channels: 1, height: dimensions[0], width: dimensions[1])
        case 3: TensorShape(channels: dimensions[0], height: dimensions[1], width: dimensions[2])
        default: .vector(dimensions.reduce(1, *))
        }
    }

    static func elementSize(_ type: UInt8) -> Int? {
        switch type {
        case 0x08, 0x09: return 1
        case 0x0B: return 2
        case 0x0C, 0x0D: return 4
        case 0x0E: return 8
        default: return nil
        }
    }

    /// The dimensions and values of one IDX file.
    static func read(_ path: String) throws -> (shape: [Int], values: [Double]) {
        let bytes = try FileBytes.read(path)
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw DataError(file: path, message: "not an IDX file (bad magic number)",
                            text: bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " "))
        }
        guard let size = elementSize(bytes[2]) else {
            throw DataError(file: path, message: "unknown IDX element type", text: String(format: "0x%02x", bytes[2]))
        }
        let dimensions = Int(bytes[3])
        guard dimensions >= 1, bytes.count >= 4 + 4 * dimensions else {
            throw DataError(file: path, message: "truncated IDX header")
        }
        var shape: [Int] = []
        for d in 0..<dimensions {
            let o = 4 + 4 * d
            shape.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        let count = shape.reduce(1, *)
        let start = 4 + 4 * dimensions
        guard bytes.count >= start + count * size else {
            throw DataError(file: path, message: "truncated IDX file: header promises \(count) values of \(size) byte(s), found \(bytes.count - start) bytes")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            let data = raw.baseAddress! + start
            func bigEndian(_ offset: Int, _ width: Int) -> UInt64 {
                var v: UInt64 = 0
                for k in 0..<width { v = v << 8 | UInt64(data[offset + k]) }
                return v
            }
            for i in 0..<count {
                switch bytes[2] {
                case 0x08: values[i] = Double(data[i])
                case 0x09: values[i] = Double(Int8(bitPattern: data[i]))
                case 0x0B: values[i] = Double(Int16(bitPattern: UInt16(bigEndian(2 * i, 2))))
                case 0x0C: values[i] = Double(Int32(bitPattern: UInt32(bigEndian(4 * i, 4))))
                case 0x0D: values[i] = Double(Float(bitPattern: UInt32(bigEndian(4 * i, 4))))
                default: values[i] = Double(bitPattern: bigEndian(8 * i, 8))
                }
            }
        }
        return (shape, values)
    }
}
