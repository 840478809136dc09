import Foundation

/// The seed of one trial's random draws, derived from the study's seed and the trial's number.
///
/// Optuna's samplers (`optuna/samplers/_random.py`, `optuna/samplers/_grid.py`) draw from one
/// generator shared by the whole study, so a trial's parameters depend on how many draws the
/// trials before it made, and on the order in which parallel trials asked. Here every trial
/// draws from a stream of its own, fixed by (study seed, trial number) through SplitMix64
/// mixing, so a study is reproducible whatever order its trials run and finish in. A `purpose`
/// (a parameter's name, or "grid") splits a trial's stream further, so that one parameter's draw
/// does not depend on which parameters were suggested before it.
public struct TrialSeed: Equatable, Hashable, Sendable {
    /// The seed the whole study was given.
    public let studySeed: UInt64
    /// The trial's 0-based number in its study.
    public let trialNumber: Int

    /// The seed of trial `trialNumber` in a study seeded with `studySeed`.
    public init(studySeed: UInt64, trialNumber: Int) {
        self.studySeed = studySeed
        self.trialNumber = trialNumber
    }

    /// The trial's 64-bit seed: SplitMix64 of the study seed mixed with SplitMix64 of the number.
    public var value: UInt64 {
        Self.splitMix64(studySeed ^ Self.splitMix64(UInt64(bitPattern: Int64(trialNumber)) &+ 0x7472_6961_6C00_0000))
    }

    /// A generator for the trial's draws made for `purpose` (a parameter's name, "grid", ...):
    /// the same trial and purpose always give the same stream, different purposes unrelated ones.
    public func randomSource(purpose: String = "") -> RandomSource {
        RandomSource(seed: Self.splitMix64(value ^ Self.stableHash(purpose)))
    }

    /// SplitMix64's output function (Steele, Lea & Flood 2014): a bijection of 64-bit words that
    /// spreads every input bit over the whole output.
    public static func splitMix64(_ input: UInt64) -> UInt64 {
        var z = input &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A hash of `text`'s UTF-8 bytes that is the same in every process (64-bit FNV-1a), unlike
    /// Swift's `Hasher`, which is seeded anew at each launch.
    public static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
