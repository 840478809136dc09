import Foundation

/// A safetensors file, the format the PyTorch ecosystem exchanges weights in
/// (huggingface/safetensors, `safetensors/src/tensor.rs`):
///
///     8 bytes      N, the header's length, unsigned 64-bit little-endian
///     N bytes      a JSON object, UTF-8, starting with `{`, padded with spaces to a multiple of 8:
///                  {"__metadata__": {string: string}, NAME: {"dtype": "F32", "shape": [2, 3],
///                   "data_offsets": [BEGIN, END]}, ...}
///     the rest     the tensors' bytes, row-major and little-endian, back to back in the order of
///                  their offsets (relative to the end of the header), covering it exactly
///
/// Writing follows the reference writer byte for byte: tensors ordered by descending dtype (its
/// declaration order, which is increasing alignment) then by name, compact JSON with
/// `__metadata__` first (its keys sorted here; the reference's hash map has no order). Reading
/// checks what the reference reader checks, and says in one line what is wrong.
public struct SafeTensorsFile: Equatable, Sendable {
    /// An element type, in the reference's declaration order (increasing alignment).
    public enum ElementType: String, CaseIterable, Sendable {
        /// Boolean, one byte.
        case bool = "BOOL"
        /// Unsigned 8-bit integer.
        case uint8 = "U8"
        /// Signed 8-bit integer.
        case int8 = "I8"
        /// 8-bit float, 5 exponent bits.
        case float8E5M2 = "F8_E5M2"
        /// 8-bit float, 4 exponent bits.
        case float8E4M3 = "F8_E4M3"
        /// 8-bit float, exponent only.
        case float8E8M0 = "F8_E8M0"
        /// Signed 16-bit integer.
        case int16 = "I16"
        /// Unsigned 16-bit integer.
        case uint16 = "U16"
        /// IEEE half precision.
        case float16 = "F16"
        /// bfloat16.
        case bfloat16 = "BF16"
        /// Signed 32-bit integer.
        case int32 = "I32"
        /// Unsigned 32-bit integer.
        case uint32 = "U32"
        /// IEEE single precision.
        case float32 = "F32"
        /// Complex of two single-precision floats.
        case complex64 = "C64"
        /// IEEE double precision.
        case float64 = "F64"
        /// Signed 64-bit integer.
        case int64 = "I64"
        /// Unsigned 64-bit integer.
        case uint64 = "U64"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0: 1
            case .int16, .uint16, .float16, .bfloat16: 2
            case .int32, .uint32, .float32: 4
            case .complex64, .float64, .int64, .uint64: 8
            }
        }

        /// Position in the declaration order (the writer's sort key).
        var rank: Int { Self.allCases.firstIndex(of: self)! }
    }

    /// One tensor: its element type, shape and raw little-endian bytes.
    public struct Tensor: Equatable, Sendable {
        /// The element type.
        public var elementType: ElementType
        /// The dimensions, outermost first (`[]` for a scalar).
        public var shape: [Int]
        /// `shape.product * elementType.size` bytes, row-major, little-endian.
        public var bytes: [UInt8]

        /// A tensor of raw bytes.
        public init(elementType: ElementType, shape: [Int], bytes: [UInt8]) {
            self.elementType = elementType
            self.shape = shape
            self.bytes = bytes
        }

        /// An `F32` tensor of `values` (`shape.product` of them).
        public init(floats values: some Collection<Float>, shape: [Int]) {
            precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
            var bytes: [UInt8] = []
            bytes.reserveCapacity(values.count * 4)
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            self.init(elementType: .float32, shape: shape, bytes: bytes)
        }

        /// An `I64` tensor of `values` (`shape.product` of them).
        public init(int64s values: [Int64], shape: [Int]) {
            precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
            var bytes: [UInt8] = []
            bytes.reserveCapacity(values.count * 8)
            for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
            self.init(elementType: .int64, shape: shape, bytes: bytes)
        }

        /// Number of elements.
        public var elementCount: Int { shape.reduce(1, *) }

        /// The values of an `F32` tensor (nil for another type).
        public var floats: [Float]? {
            guard elementType == .float32 else { return nil }
            return stride(from: 0, to: bytes.count, by: 4).map { offset in
                Float(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                      | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
            }
        }

        /// The values of an `I64` tensor (nil for another type).
        public var int64s: [Int64]? {
            guard elementType == .int64 else { return nil }
            return stride(from: 0, to: bytes.count, by: 8).map { offset in
                (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
            }.map { Int64(bitPattern: $0) }
        }
    }

    /// The reference reader's limit on the header's length (`MAX_HEADER_SIZE`).
    public static let maximumHeaderLength = 100_000_000

    /// The tensors by name.
    public var tensors: [String: Tensor]
    /// `__metadata__`: free text by key (structured values are JSON-encoded by their writer).
    public var metadata: [String: String]

    /// A file of `tensors` and `metadata`.
    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    // MARK: Writing

    /// The names in the order their bytes are written: descending element type, then name.
    public var orderedNames: [String] {
        tensors.keys.sorted { left, right in
            let l = tensors[left]!.elementType.rank, r = tensors[right]!.elementType.rank
            return l != r ? l > r : Array(left.utf8).lexicographicallyPrecedes(Array(right.utf8))
        }
    }

    /// The whole file.
    public func serialized() -> [UInt8] {
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { Self.jsonString($0) + ":" + Self.jsonString(metadata[$0]!) }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        let names = orderedNames
        for name in names {
            let tensor = tensors[name]!
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(Self.jsonString(name) + ":{\"dtype\":\"\(tensor.elementType.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}")
            offset += tensor.bytes.count
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        // Pads to 8-byte alignment of the data, as the reference writer does.
        headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += headerBytes
        for name in names { bytes += tensors[name]!.bytes }
        return bytes
    }

    /// Writes the file to `path` through ``AtomicFile``.
    public func write(to path: String) throws {
        try AtomicFile.write(serialized(), to: path)
    }

    /// `text` as a JSON string the way serde_json writes it: `"` and `\` escaped, `\b \f \n \r \t`
    /// short, other control characters as `\u00xx`, everything else as UTF-8.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    // MARK: Reading

    /// Reads and checks the file at `path` (named `path` in errors).
    /// - Throws: ``DataError`` naming the file and what is wrong, in one line.
    public init(contentsOf path: String) throws {
        try self.init(bytes: try FileBytes.readRaw(path, name: FileBytes.displayName(path)), file: FileBytes.displayName(path))
    }

    /// Parses and checks a whole file's `bytes`, as the reference reader does: the header's length
    /// (at most ``maximumHeaderLength``, within the file), UTF-8 JSON starting with `{`, a known
    /// dtype, a shape and two offsets of non-negative integers per tensor, string metadata, and
    /// offsets that run back to back from 0 with each tensor's size and end where the file does.
    /// - Throws: ``DataError`` naming `file` and what differs from the format.
    public init(bytes: [UInt8], file: String) throws {
        func fail(_ message: String) -> DataError { DataError(file: file, message: message) }
        guard bytes.count >= 8 else {
            throw fail("not a safetensors file: \(bytes.count) bytes, fewer than the 8 of its header length")
        }
        let declared = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard declared <= UInt64(Self.maximumHeaderLength) else {
            throw fail("not a safetensors file: its first 8 bytes declare a header of \(declared) bytes, above the format's limit of \(Self.maximumHeaderLength)")
        }
        let headerLength = Int(declared)
        guard 8 + headerLength <= bytes.count else {
            throw fail("truncated: the header is declared as \(headerLength) bytes but only \(bytes.count - 8) follow the header length")
        }
        guard let text = String(validating: bytes[8..<(8 + headerLength)], as: UTF8.self) else {
            throw fail("the header is not UTF-8 text (not a safetensors file?)")
        }
        guard text.first == "{" else { throw fail("not a safetensors file: the header does not start with '{'") }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw fail("the header is not valid JSON (not a safetensors file?)")
        }
        guard let header = object as? [String: Any] else { throw fail("the header is not a JSON object") }

        var metadata: [String: String] = [:]
        var entries: [(name: String, type: ElementType, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                // The reference reads `null` as no metadata.
                if value is NSNull { continue }
                guard let pairs = value as? [String: Any] else { throw fail("__metadata__ is not an object of strings") }
                for (key, item) in pairs {
                    guard let string = item as? String else { throw fail("__metadata__ '\(DisplayText.shown(key))' is not a string (the format allows strings only)") }
                    metadata[key] = string
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw fail("tensor '\(DisplayText.shown(name))': its entry is not an object") }
            guard let typeName = info["dtype"] as? String else { throw fail("tensor '\(DisplayText.shown(name))': no dtype") }
            guard let type = ElementType(rawValue: typeName) else {
                throw fail("tensor '\(DisplayText.shown(name))': unknown dtype '\(DisplayText.shown(typeName))' (known: \(ElementType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let shapeValues = info["shape"] as? [Any], let shape = Self.integers(shapeValues) else {
                throw fail("tensor '\(DisplayText.shown(name))': shape is not a list of non-negative integers")
            }
            guard let offsetValues = info["data_offsets"] as? [Any], let offsets = Self.integers(offsetValues), offsets.count == 2 else {
                throw fail("tensor '\(DisplayText.shown(name))': data_offsets is not two non-negative integers")
            }
            entries.append((name, type, shape, offsets[0], offsets[1]))
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        let dataStart = 8 + headerLength, dataLength = bytes.count - dataStart
        var position = 0
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            guard entry.begin == position, entry.end >= entry.begin else {
                throw fail("tensor '\(DisplayText.shown(entry.name))': data_offsets [\(entry.begin), \(entry.end)] do not start where the previous tensor ends (\(position)); offsets must run back to back from 0")
            }
            var count = entry.type.size
            for dimension in entry.shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw fail("tensor '\(DisplayText.shown(entry.name))': shape \(entry.shape) overflows a 64-bit size") }
                count = product
            }
            guard entry.end - entry.begin == count else {
                throw fail("tensor '\(DisplayText.shown(entry.name))': data_offsets [\(entry.begin), \(entry.end)] hold \(entry.end - entry.begin) bytes, but \(entry.type.rawValue) \(entry.shape) needs \(count)")
            }
            guard entry.end <= dataLength else {
                throw fail("truncated: tensor '\(DisplayText.shown(entry.name))' ends at byte \(entry.end) of the data, which has only \(dataLength)")
            }
            tensors[entry.name] = Tensor(elementType: entry.type, shape: entry.shape,
                                         bytes: Array(bytes[(dataStart + entry.begin)..<(dataStart + entry.end)]))
            position = entry.end
        }
        guard position == dataLength else {
            throw fail("\(dataLength - position) bytes after the last tensor's data; the offsets must cover the data exactly")
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// JSON numbers that are all non-negative integers, or nil.
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        for value in values {
            // A JSON `true` is an NSNumber too, of C type `c` (char) or `B`, never an integer's.
            guard let number = value as? NSNumber, !["c", "B"].contains(String(cString: number.objCType)) else { return nil }
            let double = number.doubleValue
            guard double >= 0, double == double.rounded(), double < 9.2e18 else { return nil }
            result.append(number.intValue)
        }
        return result
    }
}
