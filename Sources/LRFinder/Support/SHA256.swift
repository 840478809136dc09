/// SHA-256, as FIPS 180-4 (NIST, *Secure Hash Standard*, August 2015) defines it: an
/// incremental hasher for naming data sets and run recipes by their content.
///
///     var hasher = SHA256()
///     hasher.update(header)
///     hasher.update(rows)
///     let name = hasher.finalize().hex
///
/// or in one call, `SHA256.hash(bytes).hex`. Whole 64-byte blocks are compressed straight from
/// the caller's memory; only a partial block is copied, into a buffer the hasher owns.
public struct SHA256: Sendable {
    /// The 32-byte digest, and its lowercase hexadecimal text.
    public struct Digest: Hashable, Sendable, CustomStringConvertible {
        /// The 32 bytes, most significant first (H0 big-endian, then H1, ...).
        public let bytes: [UInt8]

        /// 64 lowercase hexadecimal digits.
        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var text: [UInt8] = []
            text.reserveCapacity(64)
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: text, as: UTF8.self)
        }

        /// The hexadecimal text.
        public var description: String { hex }
    }

    /// H(0), section 5.3.3: the first 32 bits of the fractional parts of the square roots of the
    /// first eight primes.
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
    /// The bytes of an incomplete block, waiting for the rest (always 64 bytes of storage).
    private var pending = [UInt8](repeating: 0, count: 64)
    private var pendingCount = 0
    /// Bytes hashed so far (the message length l of section 5.1.1 is 8 times this).
    private var byteCount: UInt64 = 0

    /// A hasher that has seen no bytes.
    public init() {}

    /// The digest of `bytes` in one call.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> Digest where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Adds `bytes` to the message. Contiguous collections (`[UInt8]`, `Data`, slices,
    /// `String.UTF8View`) are read in place; other sequences are copied a block at a time.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        guard done == nil else { return }
        var block: [UInt8] = []
        block.reserveCapacity(64)
        for byte in bytes {
            block.append(byte)
            if block.count == 64 {
                block.withUnsafeBytes { update($0) }
                block.removeAll(keepingCapacity: true)
            }
        }
        block.withUnsafeBytes { update($0) }
    }

    /// Adds the bytes of `buffer` to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard var input = buffer.baseAddress, !buffer.isEmpty else { return }
        var remaining = buffer.count
        byteCount &+= UInt64(remaining)
        var state = self.state, pendingCount = self.pendingCount
        pending.withUnsafeMutableBytes { pending in
            Self.roundConstants.withUnsafeBufferPointer { k in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                    let block = pending.baseAddress!, w = schedule.baseAddress!
                    if pendingCount > 0 {
                        let taken = min(64 - pendingCount, remaining)
                        (block + pendingCount).copyMemory(from: input, byteCount: taken)
                        pendingCount += taken
                        input += taken
                        remaining -= taken
                        guard pendingCount == 64 else { return }
                        Self.compress(&state, block: UnsafeRawPointer(block), k: k.baseAddress!, schedule: w)
                        pendingCount = 0
                    }
                    while remaining >= 64 {
                        Self.compress(&state, block: input, k: k.baseAddress!, schedule: w)
                        input += 64
                        remaining -= 64
                    }
                    if remaining > 0 {
                        block.copyMemory(from: input, byteCount: remaining)
                        pendingCount = remaining
                    }
                }
            }
        }
        self.state = state
        self.pendingCount = pendingCount
    }

    /// The digest of the bytes added so far. The hasher is left as it was: more bytes may follow,
    /// and a later `finalize()` covers them too.
    public func finalize() -> Digest {
        // Section 5.1.1: a 1 bit, zeros up to 56 bytes mod 64, then the length in bits, big-endian.
        var copy = self
        let bitLength = byteCount &* 8
        var padding = [UInt8](repeating: 0, count: (pendingCount < 56 ? 56 : 120) - pendingCount + 8)
        padding[0] = 0x80
        for index in 0..<8 { padding[padding.count - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(index))) }
        padding.withUnsafeBytes { copy.update($0) }
        let words = [copy.state.0, copy.state.1, copy.state.2, copy.state.3, copy.state.4, copy.state.5, copy.state.6, copy.state.7]
        return Digest(bytes: words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } })
    }

    /// K, section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the
    /// first sixty-four primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Section 6.2.2: one 64-byte block into `state`; `k` is K, `schedule` room for the 64 words W.
    @inline(__always)
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32),
                                 block: UnsafeRawPointer, k: UnsafePointer<UInt32>, schedule w: UnsafeMutablePointer<UInt32>) {
        for t in 0..<16 { w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self)) }
        for t in 16..<64 {
            let s0 = rotr(w[t &- 15], 7) ^ rotr(w[t &- 15], 18) ^ (w[t &- 15] &>> 3)   // sigma0, (4.6)
            let s1 = rotr(w[t &- 2], 17) ^ rotr(w[t &- 2], 19) ^ (w[t &- 2] &>> 10)    // sigma1, (4.7)
            w[t] = s1 &+ w[t &- 7] &+ s0 &+ w[t &- 16]
        }
        // The 64 rounds of (6.2.2) step 3, eight at a time: instead of shifting a..h down each
        // round, the next round takes them renamed (as OpenSSL's ROUND_00_15 does), so only d
        // and h are written. Ch and Maj in their equivalent forms of fewer operations.
        var (a, b, c, d, e, f, g, h) = state
        @inline(__always)
        func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                   _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ t: Int) {
            let sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)      // Sigma1, (4.5)
            let choice = g ^ (e & (f ^ g))                          // Ch, (4.2)
            let t1 = h &+ sum1 &+ choice &+ k[t] &+ w[t]
            let sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)      // Sigma0, (4.4)
            let majority = (a & b) | (c & (a | b))                  // Maj, (4.3)
            d = d &+ t1
            h = t1 &+ sum0 &+ majority
        }
        var t = 0
        while t < 64 {
            round(a, b, c, &d, e, f, g, &h, t)
            round(h, a, b, &c, d, e, f, &g, t &+ 1)
            round(g, h, a, &b, c, d, e, &f, t &+ 2)
            round(f, g, h, &a, b, c, d, &e, t &+ 3)
            round(e, f, g, &h, a, b, c, &d, t &+ 4)
            round(d, e, f, &g, h, a, b, &c, t &+ 5)
            round(c, d, e, &f, g, h, a, &b, t &+ 6)
            round(b, c, d, &e, f, g, h, &a, t &+ 7)
            t &+= 8
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
    }

    /// ROTR^n(x), section 3.2.
    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }
}
