import Testing
@testable import LRFinder

/// The compact schedule syntax: what it builds, and a one-line error for each kind of mistake.
@Suite struct ScheduleSpecTests {
    @Test func parsesEveryScheduleWithItsDefaults() throws {
        #expect(try ScheduleSpec(parsing: "step:size=10").kind == .step(size: 10, gamma: 0.1))
        #expect(try ScheduleSpec(parsing: "multistep:milestones=15/25/30/35/45,gamma=0.5").kind
                == .multiStep(milestones: [15, 25, 30, 35, 45], gamma: 0.5))
        #expect(try ScheduleSpec(parsing: "cosine:t-max=10").kind == .cosine(tMax: 10, etaMin: 0))
        #expect(try ScheduleSpec(parsing: "warm-restarts:t0=5,t-mult=2,eta-min=1e-5").kind == .warmRestarts(t0: 5, tMult: 2, etaMin: 1e-5))
        #expect(try ScheduleSpec(parsing: "polynomial").kind == .polynomial(total: 5, power: 1))
        #expect(try ScheduleSpec(parsing: "linear").kind == .linear(startFactor: 1.0 / 3, endFactor: 1, total: 5))
        #expect(try ScheduleSpec(parsing: "constant").kind == .constant(factor: 1.0 / 3, total: 5))
        #expect(try ScheduleSpec(parsing: "plateau").kind == .plateau(PlateauSettings()))
        #expect(try ScheduleSpec(parsing: "keras-inverse-time:steps=10,rate=0.5,staircase=true").kind
                == .kerasInverseTime(steps: 10, rate: 0.5, staircase: true))
        #expect(try ScheduleSpec(parsing: "keras-cosine:steps=1000").kind
                == .kerasCosine(steps: 1000, alpha: 0, warmupTarget: nil, warmupSteps: 0))

        var cyclic = CyclicSettings(base: 1e-5, max: 1.6e-3)
        cyclic.stepSizeUp = 5
        cyclic.mode = .triangular2
        #expect(try ScheduleSpec(parsing: " cyclic:base=1e-5, max=1.6e-3, step-up=5, mode=triangular2 ").kind == .cyclic(cyclic))
        var oneCycle = OneCycleSettings(max: 0.01)
        oneCycle.percentStart = 0.25
        oneCycle.anneal = .linear
        oneCycle.threePhase = true
        oneCycle.cyclesMomentum = false
        #expect(try ScheduleSpec(parsing: "onecycle:max=0.01,pct-start=0.25,anneal=linear,three-phase=true,momentum=false").kind
                == .oneCycle(oneCycle))
        var plateau = PlateauSettings()
        plateau.mode = .max
        plateau.factor = 0.25
        plateau.patience = 5
        plateau.thresholdIsRelative = false
        #expect(try ScheduleSpec(parsing: "plateau:factor=0.25,patience=5,mode=max,threshold-mode=abs").kind == .plateau(plateau))
    }

    @Test func compositesHoldSchedulesInParentheses() throws {
        let sequence = try ScheduleSpec(parsing: "sequential:linear(start-factor=0.1,total=5)|cosine(t-max=45)@5")
        #expect(sequence.kind == .sequential([ScheduleSpec(.linear(startFactor: 0.1, endFactor: 1, total: 5)),
                                              ScheduleSpec(.cosine(tMax: 45, etaMin: 0))], milestones: [5]))
        let chain = try ScheduleSpec(parsing: "chain:lambda(f=max(0.1, 0.9^epoch))|step(size=3)")
        #expect(chain.kind == .chain([ScheduleSpec(.lambda(try Formula("max(0.1, 0.9^epoch)"))), ScheduleSpec(.step(size: 3, gamma: 0.1))]))
        #expect(try ScheduleSpec(parsing: "sequential:constant|exponential(gamma=0.9)|step(size=2)@4/10").kind
                == .sequential([ScheduleSpec(.constant(factor: 1.0 / 3, total: 5)), ScheduleSpec(.exponential(gamma: 0.9)),
                                ScheduleSpec(.step(size: 2, gamma: 0.1))], milestones: [4, 10]))
    }

    @Test func formulasMayHoldCommas() throws {
        let spec = try ScheduleSpec(parsing: "lambda:f=max(0.1, 0.9^epoch),unit=batch")
        #expect(spec.unit == .batch)
        let rates = try Scheduler.sequence(try ScheduleSpec(parsing: "lambda:f=max(0.1, 0.5^epoch)"), initialLearningRate: 1, steps: 5)
        #expect(rates.map(\.learningRate) == [1, 0.5, 0.25, 0.125, 0.1])
    }

    @Test(arguments: [
        ("cyclical:base=1", "unknown schedule 'cyclical'; known: step, multistep, exponential, multiplicative, lambda, polynomial, linear, constant, cosine, warm-restarts, cyclic, onecycle, plateau, keras-decay, keras-inverse-time, keras-polynomial, keras-exponential, keras-cosine, sequential, chain"),
        ("step:size=3,gama=0.5", "step: unknown key 'gama'; keys: size, gamma, unit"),
        ("step:size=3,size=4", "step: key 'size' given twice"),
        ("step:size", "step: 'size' is not key=value; keys: size, gamma, unit"),
        ("step:gamma=0.5", "step: missing key 'size'"),
        ("lambda", "lambda: missing key 'f'"),
        ("cyclic:max=0.1", "cyclic: missing key 'base'"),
        ("exponential:gamma=0", "exponential: gamma must be > 0.0, got 0"),
        ("exponential:gamma=fast", "exponential: gamma must be a number, got 'fast'"),
        ("step:size=2.5", "step: size must be a whole number, got '2.5'"),
        ("step:size=-2", "step: size must be >= 1, got -2"),
        ("cosine:t-max=0", "cosine: t-max must be >= 1, got 0"),
        ("cyclic:base=0.01,max=0.001", "cyclic: base must be below max, got base=0.01, max=0.001"),
        ("cyclic:base=1e-4,max=1e-2,step-up=-5", "cyclic: step-up must be > 0.0, got -5"),
        ("cyclic:base=1e-4,max=1e-2,mode=triangle", "cyclic: mode must be one of triangular, triangular2, exp_range, got 'triangle'"),
        ("cyclic:base=1e-4,max=1e-2,base-momentum=0.95", "cyclic: base-momentum must not exceed max-momentum, got 0.95 > 0.9"),
        ("cyclic:base=1e-4,max=1e-2,momentum=maybe", "cyclic: momentum must be true or false, got 'maybe'"),
        ("onecycle:max=0.1,pct-start=1.5", "onecycle: pct-start must be > 0.0 and < 1.0, got 1.5"),
        ("onecycle:max=0.1,pct-start=0", "onecycle: pct-start must be > 0.0 and < 1.0, got 0"),
        ("onecycle:max=0.1,epochs=3", "onecycle: epochs and steps-per-epoch go together"),
        ("onecycle:max=0.1,total=30,epochs=3,steps-per-epoch=10", "onecycle: give total or epochs with steps-per-epoch, not both"),
        ("plateau:factor=1", "plateau: factor must be > 0.0 and < 1.0, got 1"),
        ("plateau:patience=-1", "plateau: patience must be >= 0, got -1"),
        ("plateau:mode=lowest", "plateau: mode must be one of min, max, got 'lowest'"),
        ("constant:factor=0", "constant: factor must be > 0.0 and <= 1.0, got 0"),
        ("linear:start-factor=1.5", "linear: start-factor must be > 0.0 and <= 1.0, got 1.5"),
        ("multistep:milestones=5/3", "multistep: milestones must be increasing whole numbers >= 0 separated by '/', got '5/3'"),
        ("lambda:f=0.9^", "lambda: f: formula '0.9^': at character 5: expected a number, 'epoch', a function or '(', found the end"),
        ("sequential:linear(total=5)|cosine(t-max=4)", "sequential: write schedules separated by '|' then '@' and the milestones"),
        ("sequential:linear(total=5)|cosine(t-max=4)@5/9", "sequential: 2 schedules need 1 milestone(s), got 2"),
        ("sequential:linear(total=5)|cosine(t-max=4@5", "sequential: unbalanced parentheses in 'linear(total=5)|cosine(t-max=4@5'"),
        ("chain:step(size=2)x|exponential(gamma=0.9)", "chain: 'step(size=2)x' must end with ')'"),
        ("chain:step(size=2)|chain(step(size=3))", "chain: schedules inside it cannot nest chain"),
        ("sequential:constant|Chain:constant@2", "sequential: schedules inside it cannot nest Chain"),
        // Issue 10, item 3: one level per `chain:` used to recurse without bound (signal 11).
        ("chain:" + String(repeating: "chain:", count: 50_000) + "constant", "chain: schedules inside it cannot nest chain"),
        ("chain:step(size=2)|cosine(t-mx=4)", "cosine: unknown key 't-mx'; keys: t-max, eta-min, unit"),
        ("step:size=3,unit=week", "step: unit must be one of batch, epoch, got 'week'"),
        ("keras-exponential:steps=100,rate=0", "keras-exponential: rate must be > 0.0, got 0"),
    ])
    func errorNamesTheKeyAndWhatIsAllowed(text: String, start: String) {
        do {
            _ = try ScheduleSpec(parsing: text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect("\(error)".hasPrefix(start), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
    }
}
