import Foundation
import Testing
@testable import LRFinder

/// SHA-256 against the FIPS 180-4 example vectors (NIST's "Examples with Intermediate Values",
/// SHA256.pdf, and the one-million-'a' vector of FIPS 180-2 appendix B.3), the padding
/// boundaries, and incremental updates of every shape.
@Suite struct SHA256Tests {
    static let nist: [(String, String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ]

    @Test(arguments: nist)
    func nistVectors(message: String, digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == digest)
        #expect(SHA256.hash(message.utf8).hex == digest)
        #expect("\(SHA256.hash(Data(message.utf8)))" == digest)
    }

    @Test func oneMillionAs() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash(million).hex == want)
        var hasher = SHA256()
        for _ in 0..<1000 { hasher.update(million[0..<1000]) }
        #expect(hasher.finalize().hex == want)
        #expect(SHA256.hash(million).bytes.count == 32)
    }

    /// Lengths around the padding boundaries (55/56 bytes: the length still fits / needs a new
    /// block), against `sha256sum`.
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
    ])
    func paddingBoundaries(length: Int, digest: String) {
        #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: length)).hex == digest)
    }

    /// 100,000 bytes `(7 i + 3) mod 256` (Python's hashlib gave the digest), fed in chunks of
    /// odd sizes, one byte at a time, as a non-contiguous sequence, and finalized midway.
    @Test func incrementalUpdatesGiveTheSameDigest() {
        let message = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let want = "d96bab6a55ee326ba206dd4a85a6e95e14360d7fabbf448f03e689c24382b7d0"
        #expect(SHA256.hash(message).hex == want)
        for sizes in [[1], [3, 61, 7], [63, 65], [64], [127, 1, 1, 200], [4095, 13]] {
            var hasher = SHA256(), offset = 0, turn = 0
            while offset < message.count {
                let end = min(message.count, offset + sizes[turn % sizes.count])
                hasher.update(message[offset..<end])
                offset = end
                turn += 1
            }
            #expect(hasher.finalize().hex == want, "chunks \(sizes)")
        }
        #expect(SHA256.hash(message.lazy.map { $0 }).hex == want)

        // finalize() leaves the hasher as it was.
        var hasher = SHA256()
        hasher.update(message[..<50_001])
        #expect(hasher.finalize() == SHA256.hash(message[..<50_001]))
        hasher.update([])
        hasher.update(message[50_001...])
        #expect(hasher.finalize().hex == want)
    }
}
