import Foundation
import Testing
@testable import LRFinder

/// A schedule prints to the compact syntax and that text parses back to the same schedule;
/// JSON holds that text.
@Suite struct ScheduleDescriptionTests {
    /// Every schedule, with its defaults and with non-default options.
    static let specs: [String] = [
        "step:size=10",
        "step:size=3,gamma=0.5,unit=batch",
        "multistep:milestones=15/25/30",
        "multistep:milestones=0/7,gamma=0.25,unit=epoch",
        "exponential:gamma=0.9",
        "multiplicative:f=0.98^epoch",
        "lambda:f=epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : 0.0625",
        "lambda:f=max(0.1, 1 - epoch / 50),unit=batch",
        "cosine:t-max=10",
        "cosine:t-max=45,eta-min=1e-6",
        "warm-restarts:t0=5",
        "warm-restarts:t0=5,t-mult=2,eta-min=1e-5,unit=batch",
        "cyclic:base=1e-5,max=0.0016",
        "cyclic:base=0.0004729,max=0.004729,step-up=187.5,step-down=2000",
        "cyclic:base=1e-5,max=1.6e-3,step-up=5,mode=exp_range,gamma=0.92,scale-mode=cycle,momentum=false,base-momentum=0.7,max-momentum=0.85,unit=epoch",
        "cyclic:base=1e-5,max=1.6e-3,mode=triangular2,scale-mode=iterations,momentum=true",
        "onecycle:max=0.01",
        "onecycle:max=0.01,total=100,pct-start=0.25,anneal=linear,div=10,final-div=1000,three-phase=true,momentum=false",
        "onecycle:max=0.3,epochs=3,steps-per-epoch=17,momentum=true,base-momentum=0.8,max-momentum=0.9,unit=epoch",
        "polynomial",
        "polynomial:total=20,power=2",
        "linear",
        "linear:start-factor=0.1,end-factor=0.5,total=8",
        "constant",
        "constant:factor=0.5,total=0",
        "plateau",
        "plateau:mode=max,factor=0.5,patience=3,threshold=0.01,threshold-mode=abs,cooldown=2,min-lr=1e-6,eps=0,unit=batch",
        "sequential:linear(start-factor=0.1,total=5)|cosine(t-max=45)@5",
        "sequential:constant|exponential(gamma=0.9)|step(size=2,unit=batch)@4/10",
        "sequential:lambda(f=min(1, (epoch + 1) / 5))|plateau(mode=max,patience=2)@5,unit=batch",
        "chain:constant(factor=0.1,total=20)|exponential(gamma=0.9)",
        "chain:cyclic(base=1e-4,max=1e-2,step-up=50,momentum=false)|keras-decay(decay=0.001),unit=epoch",
        "chain:polynomial",
        "keras-decay:decay=0",
        "keras-decay:decay=0.01,unit=epoch",
        "keras-inverse-time:steps=10,rate=0.5",
        "keras-inverse-time:steps=10,rate=0,staircase=true",
        "keras-polynomial:steps=1000",
        "keras-polynomial:steps=1000,end=0,power=0.5,cycle=true",
        "keras-exponential:steps=100,rate=0.96",
        "keras-exponential:steps=100,rate=0.96,staircase=true",
        "keras-cosine:steps=1000",
        "keras-cosine:steps=1000,alpha=0.1,warmup-target=0.01,warmup-steps=100",
    ]

    @Test(arguments: specs)
    func printsBackToTheSameSchedule(text: String) throws {
        let spec = try ScheduleSpec(parsing: text)
        #expect(try ScheduleSpec(parsing: spec.description) == spec, "\(text) printed as \(spec.description)")
        #expect(spec.description == (try ScheduleSpec(parsing: spec.description)).description, "the form is a fixed point")
    }

    @Test func goldenSpecsPrintBackToThemselves() throws {
        for (_, text) in ScheduleGoldenTests.pytorch + ScheduleGoldenTests.keras {
            let spec = try ScheduleSpec(parsing: text)
            #expect(try ScheduleSpec(parsing: spec.description) == spec, "\(text) printed as \(spec.description)")
        }
    }

    @Test func coversEveryScheduleName() throws {
        let printed = Set(try Self.specs.map { try ScheduleSpec(parsing: $0).description.prefix { $0 != ":" } })
        #expect(printed == Set(ScheduleSpec.keys.map { Substring($0.name) }))
    }

    @Test func canonicalFormByHand() throws {
        let expected: [(String, String)] = [
            ("step:size=10,gamma=0.1", "step:size=10"),
            (" cyclic:max=1.6e-3 , base=1e-5,step-up=5.0,mode=triangular2 ", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=triangular2"),
            ("cyclic:base=1e-4,max=1e-2", "cyclic:base=0.0001,max=0.01,step-up=2000"),
            ("cyclic:base=1e-4,max=1e-2,step-down=2000,momentum=yes", "cyclic:base=0.0001,max=0.01,step-up=2000,step-down=2000,momentum=true"),
            ("onecycle:max=1e-2,final-div=1e4,total=100", "onecycle:max=0.01,total=100"),
            ("linear:start-factor=0.3333333333333333", "linear"),
            ("plateau:threshold-mode=abs,mode=max,eps=1e-8", "plateau:mode=max,threshold-mode=abs"),
            ("keras-cosine:steps=1e3,warmup-target=1e-2,warmup-steps=100", "keras-cosine:steps=1000,warmup-target=0.01,warmup-steps=100"),
            ("lambda:f= 0.95 ^ epoch ", "lambda:f=0.95 ^ epoch"),
            ("sequential: constant() | exponential(gamma=0.9) @ 4", "sequential:constant|exponential(gamma=0.9)@4"),
            ("chain:step(size=3,unit=epoch)|exponential(gamma=0.9),unit=batch", "chain:step(size=3,unit=epoch)|exponential(gamma=0.9),unit=batch"),
        ]
        for (input, canonical) in expected {
            #expect(try ScheduleSpec(parsing: input).description == canonical, "\(input)")
        }
        #expect(ScheduleKind.exponential(gamma: 0.95).description == "exponential:gamma=0.95")
        #expect("\(ScheduleSpec(.kerasDecay(decay: 1e-20)))" == "keras-decay:decay=1e-20")
    }

    @Test func roundedDisplayKeepsTheCommandsForm() throws {
        var cyclic = CyclicSettings(base: 0.000472912345, max: 0.00472912345)
        cyclic.stepSizeUp = 187.5
        #expect(ScheduleSpec(.cyclic(cyclic)).description(significantDigits: 4) == "cyclic:base=0.0004729,max=0.004729,step-up=187.5")
        cyclic.stepSizeUp = 2000
        cyclic.stepSizeDown = 1234.5678
        #expect(ScheduleSpec(.cyclic(cyclic)).description(significantDigits: 4)
                == "cyclic:base=0.0004729,max=0.004729,step-up=2000,step-down=1235")
        #expect(ScheduleSpec(.oneCycle(OneCycleSettings(max: 0.0123456))).description(significantDigits: 4) == "onecycle:max=0.01235")
        #expect(try ScheduleSpec(parsing: "cyclic:base=1e-5,max=1e-3").description(significantDigits: 3) == "cyclic:base=1e-05,max=0.001,step-up=2e+03")
    }

    @Test func compositesTakeTheirOwnUnitAfterTheirSchedules() throws {
        let chain = try ScheduleSpec(parsing: "chain:step(size=3)|exponential(gamma=0.9),unit=batch")
        #expect(chain.unitOverride == .batch && chain.unit == .batch)
        let sequence = try ScheduleSpec(parsing: "sequential:cyclic(base=1e-4,max=1e-2)|constant@5, unit=epoch")
        #expect(sequence.kind == .sequential([ScheduleSpec(.cyclic(CyclicSettings(base: 1e-4, max: 1e-2))),
                                              ScheduleSpec(.constant(factor: 1.0 / 3, total: 5))], milestones: [5]))
        #expect(sequence.unit == .epoch)
        #expect(try ScheduleSpec(parsing: "sequential:cyclic(base=1e-4,max=1e-2)|constant@5").unit == .batch)
        #expect(throws: ScheduleError("chain: unknown key 'gamma'; keys: unit")) {
            try ScheduleSpec(parsing: "chain:step(size=3),gamma=0.5")
        }
    }

    @Test func compositesInsideCompositesPrintButDoNotParse() throws {
        let inner = ScheduleSpec(.chain([ScheduleSpec(.constant(factor: 0.5, total: 2)), ScheduleSpec(.exponential(gamma: 0.9))]))
        let nested = ScheduleSpec(.sequential([inner, ScheduleSpec(.cosine(tMax: 4, etaMin: 0))], milestones: [3]))
        #expect(nested.description == "sequential:chain(constant(factor=0.5,total=2)|exponential(gamma=0.9))|cosine(t-max=4)@3")
        #expect(throws: ScheduleError.self) { try ScheduleSpec(parsing: nested.description) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(nested) }
    }

    @Test func numbersAreTheShortestTextThatRoundTrips() {
        let cases: [(Double, String)] = [
            (2000, "2000"), (0, "0"), (-0.0, "0"), (1e-5, "1e-5"), (1.6e-5, "1.6e-5"), (0.0016, "0.0016"), (1e-4, "0.0001"),
            (0.1 + 0.2, "0.30000000000000004"), (1.0 / 3, "0.3333333333333333"), (1e20, "1e20"), (123456789012345, "123456789012345"),
            (1.5e300, "1.5e300"), (Double.leastNonzeroMagnitude, "5e-324"), (-2.5, "-2.5"), (187.5, "187.5"),
        ]
        for (value, text) in cases { #expect(ScheduleNumberText.exact(value) == text, "\(value)") }
        // Any finite double: a fixed pseudo-random sample of bit patterns (SplitMix64).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15, failures: [Double] = []
        for _ in 0..<20_000 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            let value = Double(bitPattern: z ^ (z >> 31))
            guard value.isFinite else { continue }
            if Double(ScheduleNumberText.exact(value)) != value { failures.append(value) }
        }
        #expect(failures.isEmpty)
    }

    @Test func printsExactValuesBuiltInCode() throws {
        var settings = OneCycleSettings(max: 0.1 + 0.2)
        settings.percentStart = 1.0 / 7
        settings.baseMomentum = 0.8500000000000001
        let spec = ScheduleSpec(.oneCycle(settings))
        #expect(spec.description == "onecycle:max=0.30000000000000004,pct-start=0.14285714285714285,base-momentum=0.8500000000000001")
        #expect(try ScheduleSpec(parsing: spec.description) == spec)
    }

    @Test func jsonHoldsTheCompactText() throws {
        let specs = try Self.specs.map(ScheduleSpec.init(parsing:))
        let data = try JSONEncoder().encode(specs)
        #expect(try JSONDecoder().decode([ScheduleSpec].self, from: data) == specs)
        struct Recipe: Codable, Equatable { var schedule: ScheduleSpec; var kind: ScheduleKind; var cyclic: CyclicSettings
            var oneCycle: OneCycleSettings; var plateau: PlateauSettings; var formula: Formula; var mode: CyclicMode }
        var cyclic = CyclicSettings(base: 1e-5, max: 0.0016)
        cyclic.mode = .expRange
        let recipe = Recipe(schedule: try ScheduleSpec(parsing: "onecycle:max=0.01,total=100"), kind: .exponential(gamma: 0.9), cyclic: cyclic,
                            oneCycle: OneCycleSettings(max: 0.2), plateau: PlateauSettings(), formula: try Formula("0.9^epoch"), mode: .triangular2)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(recipe), as: UTF8.self)
        #expect(json == #"{"cyclic":"cyclic:base=1e-5,max=0.0016,step-up=2000,mode=exp_range","formula":"0.9^epoch","kind":"exponential:gamma=0.9","#
                + #""mode":"triangular2","oneCycle":"onecycle:max=0.2","plateau":"plateau","schedule":"onecycle:max=0.01,total=100"}"#)
        #expect(try JSONDecoder().decode(Recipe.self, from: Data(json.utf8)) == recipe)
    }

    @Test func badJSONIsRefusedWithTheParsersReason() throws {
        do {
            _ = try JSONDecoder().decode([ScheduleSpec].self, from: Data(#"["step:size=0"]"#.utf8))
            Issue.record("decoded a step of size 0")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "schedule 'step:size=0': step: size must be >= 1, got 0")
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CyclicSettings].self, from: Data(#"["onecycle:max=0.1"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ScheduleKind].self, from: Data(#"["step:size=2,unit=batch"]"#.utf8)) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode([ScheduleSpec(.step(size: 0, gamma: 0.1))]) }
    }
}
