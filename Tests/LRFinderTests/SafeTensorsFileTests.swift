import Foundation
import Testing
@testable import LRFinder

/// The safetensors format against the reference implementation: the byte sequences the
/// reference writer's own tests expect (huggingface/safetensors `safetensors/src/tensor.rs`,
/// `test_serialization`, `test_serialization_forced_alignement`, `test_empty`), the file
/// `safetensors.torch.save_file` wrote (`fixtures/golden/models/`), and every check of the reader.
@Suite struct SafeTensorsFileTests {

    static let sixFloats = SafeTensorsFile.Tensor(floats: [0, 1, 2, 3, 4, 5] as [Float], shape: [1, 2, 3])

    @Test func oneTensorIsWrittenAsTheReferenceWriterWritesIt() {
        let file = SafeTensorsFile(tensors: ["attn.0": Self.sixFloats])
        let want: [UInt8] = [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]
        #expect(file.serialized() == want)
    }

    @Test func theHeaderIsPaddedWithSpacesToEightBytes() {
        var tensor = Self.sixFloats
        tensor.shape = [1, 1, 2, 3]
        let bytes = SafeTensorsFile(tensors: ["attn0": tensor]).serialized()
        let want: [UInt8] = [
            72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
            121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
            91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
            115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
            32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
            160, 64]
        #expect(bytes == want)
    }

    @Test func metadataComesFirstAndAnEmptyFileIsPadded() throws {
        #expect(SafeTensorsFile(tensors: [:]).serialized() == [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32])
        let bytes = SafeTensorsFile(tensors: [:], metadata: ["framework": "pt"]).serialized()
        #expect(bytes == [40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
                          95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
                          116, 34, 125, 125, 32, 32, 32, 32, 32])
        #expect(try SafeTensorsFile(bytes: bytes, file: "m").metadata == ["framework": "pt"])
    }

    @Test func int64TensorsComeBeforeFloatOnesThenByName() throws {
        let file = SafeTensorsFile(tensors: ["b": .init(floats: [1] as [Float], shape: [1]), "a": .init(floats: [2] as [Float], shape: [1]),
                                             "z": .init(int64s: [7], shape: [])])
        #expect(file.orderedNames == ["z", "a", "b"])
        let bytes = file.serialized()
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        #expect(header.hasPrefix("{\"z\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}"))
        #expect(length % 8 == 0)
        #expect(Array(bytes[(8 + length)..<(16 + length)]) == [7, 0, 0, 0, 0, 0, 0, 0])
        #expect(try SafeTensorsFile(bytes: bytes, file: "m") == file)
    }

    @Test func metadataIsEscapedAsJSONAndReadBack() throws {
        let text = "quote \" backslash \\ tab \t line \n bell \u{07} é"
        let file = SafeTensorsFile(tensors: ["w": Self.sixFloats], metadata: ["k": text])
        #expect(SafeTensorsFile.jsonString("a\"\u{07}") == "\"a\\\"\\u0007\"")
        #expect(try SafeTensorsFile(bytes: file.serialized(), file: "m").metadata["k"] == text)
    }

    @Test func theFilePyTorchWroteReadsAndWritesBackToTheSameBytes() throws {
        let golden = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.goldenModel)))
        let file = try SafeTensorsFile(contentsOf: Fixtures.goldenModel)
        #expect(file.tensors.keys.sorted() == ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"])
        #expect(file.tensors["0.weight"]?.shape == [256, 784])
        #expect(file.metadata["format"] == "pt")
        // Without its metadata (a hash map, in no order) the reference wrote exactly these bytes.
        let rewritten = SafeTensorsFile(tensors: file.tensors, metadata: file.metadata).serialized()
        #expect(rewritten.count == golden.count)
        let length = Int(golden[0]) | Int(golden[1]) << 8 | Int(golden[2]) << 16
        #expect(rewritten[0..<8] == golden[0..<8])
        #expect(rewritten[(8 + length)...] == golden[(8 + length)...])
        let ours = String(decoding: rewritten[8..<(8 + length)], as: UTF8.self)
        let theirs = String(decoding: golden[8..<(8 + length)], as: UTF8.self)
        let tensorsPart = { (text: String) in String(text[text.range(of: "},\"0.bias\"")!.lowerBound...]) }
        #expect(tensorsPart(ours) == tensorsPart(theirs))
    }

    static func message(_ bytes: [UInt8]) -> String {
        do { _ = try SafeTensorsFile(bytes: bytes, file: "m.safetensors"); return "no error" } catch { return "\(error)" }
    }

    static func withHeader(_ header: String, data: [UInt8] = []) -> [UInt8] {
        let bytes = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init) + bytes + data
    }

    @Test func everyFormatErrorIsOneLineNamingTheFile() {
        let good = SafeTensorsFile(tensors: ["w": Self.sixFloats]).serialized()
        let entry = "\"w\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}"
        let cases: [(bytes: [UInt8], want: String)] = [
            ([1, 2, 3], "m.safetensors: not a safetensors file: 3 bytes, fewer than the 8 of its header length"),
            (Array(good.dropLast()), "m.safetensors: truncated: tensor 'w' ends at byte 24 of the data, which has only 23"),
            (Array(good.prefix(40)), "m.safetensors: truncated: the header is declared as 64 bytes but only 32 follow the header length"),
            (Array("PK\u{03}\u{04}abcdefgh".utf8), "m.safetensors: not a safetensors file: its first 8 bytes declare a header of 7233733595305823056 bytes, above the format's limit of 100000000"),
            (Self.withHeader("[1]"), "m.safetensors: not a safetensors file: the header does not start with '{'"),
            (Self.withHeader("{\"w\":"), "m.safetensors: the header is not valid JSON (not a safetensors file?)"),
            (Self.withHeader("{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0]),
             "m.safetensors: tensor 'w': unknown dtype 'F33' (known: BOOL, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64)"),
            (Self.withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[true],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0]),
             "m.safetensors: tensor 'w': shape is not a list of non-negative integers"),
            (Self.withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", data: [0, 0, 0, 0]),
             "m.safetensors: tensor 'w': data_offsets is not two non-negative integers"),
            (Self.withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", data: [0, 0, 0, 0]),
             "m.safetensors: tensor 'w': data_offsets [0, 4] hold 4 bytes, but F32 [2] needs 8"),
            (Self.withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data: [0, 0, 0, 0, 0, 0, 0, 0]),
             "m.safetensors: tensor 'w': data_offsets [4, 8] do not start where the previous tensor ends (0); offsets must run back to back from 0"),
            (Self.withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data: [UInt8](repeating: 0, count: 8)),
             "m.safetensors: tensor 'b': data_offsets [4, 8] do not start where the previous tensor ends (8); offsets must run back to back from 0"),
            (Self.withHeader("{" + entry + "}", data: [UInt8](repeating: 0, count: 28)),
             "m.safetensors: 4 bytes after the last tensor's data; the offsets must cover the data exactly"),
            (Self.withHeader("{\"__metadata__\":{\"a\":1}," + entry + "}", data: [UInt8](repeating: 0, count: 24)),
             "m.safetensors: __metadata__ 'a' is not a string (the format allows strings only)"),
        ]
        for (bytes, want) in cases { #expect(Self.message(bytes) == want) }
        #expect(Self.message(Self.withHeader("{\"__metadata__\":null," + entry + "}", data: [UInt8](repeating: 0, count: 24))) == "no error")
        #expect(Self.message(good) == "no error")
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: DataError(file: "/nonexistent/m.safetensors", message: "no such file")) {
            try SafeTensorsFile(contentsOf: "/nonexistent/m.safetensors")
        }
    }
}
