import Foundation
import Testing
@testable import LRFinder

/// `TrialSeed`, `RandomSampler` and `GridSampler`: numpy's draws cannot be reproduced, so these
/// check the distributions' properties (bounds, grids, spread, every category reached), the
/// transform's edge cases, reproducibility per (seed, trial number), and the grid's completeness.
@Suite struct TuningSamplerTests {
    // MARK: TrialSeed

    @Test func trialSeedsAreReproducibleAndDistinct() {
        let seed = TrialSeed(studySeed: 7, trialNumber: 3)
        #expect(seed.value == TrialSeed(studySeed: 7, trialNumber: 3).value)
        let values = Set((0..<1000).map { TrialSeed(studySeed: 7, trialNumber: $0).value })
        #expect(values.count == 1000)
        #expect(TrialSeed(studySeed: 8, trialNumber: 3).value != seed.value)
        var first = seed.randomSource(purpose: "lr"), second = seed.randomSource(purpose: "lr")
        #expect(first.next() == second.next())
        var other = seed.randomSource(purpose: "dropout")
        #expect(seed.randomSource(purpose: "lr") != other)
        _ = other.next()
        // FNV-1a's published test vectors: the hash must not change between launches.
        #expect(TrialSeed.stableHash("") == 0xCBF2_9CE4_8422_2325)
        #expect(TrialSeed.stableHash("a") == 0xAF63_DC4C_8601_EC8C)
    }

    // MARK: RandomSampler

    static let space: [String: ParameterDistribution] = [
        "lr": .float(low: 5e-5, high: 1e-2, log: true),
        "dropout": .float(low: 0, high: 0.5),
        "momentum": .float(low: 0.8, high: 0.99, step: 0.01),
        "warmup_epochs": .int(low: 0, high: 10),
        "batch_size": .int(low: 16, high: 512, log: true),
        "layers": .int(low: 2, high: 11, step: 3),
        "scheduler": .categorical(choices: ["constant", "cosine", "onecycle", "step"]),
    ]

    static let draws: [[String: Double]] = {
        let sampler = RandomSampler(seed: 1)
        return (0..<4000).map { sampler.sample(space, trialNumber: $0) }
    }()

    @Test func everyDrawIsInItsDistribution() {
        for params in Self.draws {
            #expect(params.count == Self.space.count)
            for (name, distribution) in Self.space where !distribution.contains(params[name]!) {
                Issue.record("\(name) = \(params[name]!) is not in \(distribution)")
                return
            }
        }
        #expect(Self.draws.allSatisfy { $0["lr"]! < 1e-2 && $0["dropout"]! < 0.5 })
    }

    @Test func floatsSpreadUniformlyInTheTransformedSpace() {
        let lr = Self.draws.map { log10($0["lr"]!) }  // uniform on [log10 5e-5, -2]
        let belowMilli = lr.filter { $0 < -3 }.count  // 1.301 of 2.301 decades: 56.5 %
        #expect(abs(Double(belowMilli) / 4000 - 1.30103 / 2.30103) < 0.03)
        #expect(lr.min()! < -4.2 && lr.max()! > -2.05)
        let dropout = Self.draws.map { $0["dropout"]! }
        #expect(abs(dropout.reduce(0, +) / 4000 - 0.25) < 0.01)
        #expect(abs(Double(dropout.filter { $0 < 0.1 }.count) / 4000 - 0.2) < 0.025)
    }

    @Test func gridsAreReachedEvenly() {
        func counts(_ name: String) -> [Double: Int] {
            Self.draws.reduce(into: [:]) { $0[$1[name]!, default: 0] += 1 }
        }
        // Every point of a stepped grid is reached, each about equally (the half-step margins).
        let warmup = counts("warmup_epochs")
        #expect(warmup.keys.sorted() == (0...10).map(Double.init))
        #expect(warmup.values.allSatisfy { abs(Double($0) / 4000 - 1 / 11) < 0.025 })
        #expect(counts("layers").keys.sorted() == [2, 5, 8, 11])
        #expect(counts("layers").values.allSatisfy { abs(Double($0) / 4000 - 0.25) < 0.03 })
        let momentum = counts("momentum")
        #expect(momentum.count == 20)
        #expect(momentum.keys.allSatisfy { abs(($0 - 0.8) / 0.01 - (($0 - 0.8) / 0.01).rounded()) < 1e-9 })
        let scheduler = counts("scheduler")
        #expect(scheduler.keys.sorted() == [0, 1, 2, 3])
        #expect(scheduler.values.allSatisfy { abs(Double($0) / 4000 - 0.25) < 0.03 })
        // Log int: about as many draws in [16, 32) as in [256, 512], both ends reached.
        let batch = Self.draws.map { $0["batch_size"]! }
        #expect(batch.contains(16) && batch.contains(512))
        let low = batch.filter { $0 < 32 }.count, high = batch.filter { $0 >= 256 }.count
        #expect(abs(Double(low - high)) / 4000 < 0.05)
    }

    @Test func sameSeedAndTrialGiveTheSameParameters() {
        let sampler = RandomSampler(seed: 42)
        let first = sampler.sample(Self.space, trialNumber: 5)
        #expect(first == RandomSampler(seed: 42).sample(Self.space, trialNumber: 5))
        #expect(first != sampler.sample(Self.space, trialNumber: 6))
        #expect(first != RandomSampler(seed: 43).sample(Self.space, trialNumber: 5))
        // One parameter's draw does not depend on the others suggested with it.
        #expect(sampler.sample("lr", Self.space["lr"]!, trialNumber: 5) == first["lr"])
        let trials = (0..<50).map { sampler.sample("dropout", Self.space["dropout"]!, trialNumber: $0) }
        #expect(Set(trials).count == 50)
    }

    @Test func untransformFollowsOptunasTransform() {
        let float = ParameterDistribution.float(low: 0, high: 0.5)
        #expect(RandomSampler.untransform(0.5, float) == 0.5.nextDown)
        #expect(RandomSampler.untransform(0.2, float) == 0.2)
        let single = ParameterDistribution.float(low: 0.3, high: 0.3)
        #expect(RandomSampler.untransform(0.3, single) == 0.3)
        let logFloat = ParameterDistribution.float(low: 1e-4, high: 1, log: true)
        #expect(RandomSampler.untransform(0, logFloat) == 1.0.nextDown)
        #expect(RandomSampler.untransform(log(1e-4) - 1e-12, logFloat) == 1e-4)
        let int = ParameterDistribution.int(low: 0, high: 10)
        #expect(RandomSampler.transformedBounds(int) == (-0.5, 10.5))
        #expect(RandomSampler.untransform(-0.5, int) == 0)
        #expect(RandomSampler.untransform(0.49, int) == 0)
        #expect(RandomSampler.untransform(0.5, int) == 1)
        #expect(RandomSampler.untransform(10.5, int) == 10)
        let logInt = ParameterDistribution.int(low: 16, high: 512, log: true)
        let bounds = RandomSampler.transformedBounds(logInt)
        #expect(bounds.low == log(15.5) && bounds.high == log(512.5))
        #expect(RandomSampler.untransform(bounds.low, logInt) == 16)
        #expect(RandomSampler.untransform(bounds.high, logInt) == 512)
        // A range that is not a whole number of steps ends at its last grid point.
        let ragged = ParameterDistribution.int(low: 0, high: 10, step: 3)
        #expect(RandomSampler.untransform(RandomSampler.transformedBounds(ragged).high, ragged) == 9)
    }

    // MARK: GridSampler

    static let grid = GridSampler(searchSpace: ["lr": [1e-3, 1e-2, 1e-4], "scheduler": [0, 1], "dropout": [0.1, 0.1, 0]],
                                  seed: 3)

    @Test func gridIsOptunasProductOfSortedValues() {
        let grid = Self.grid
        #expect(grid.parameterNames == ["dropout", "lr", "scheduler"])
        #expect(grid.values == [[0, 0.1], [1e-4, 1e-3, 1e-2], [0, 1]])
        #expect(grid.gridSize == 12)
        #expect(grid.point(0) == ["dropout": 0, "lr": 1e-4, "scheduler": 0])
        #expect(grid.point(1) == ["dropout": 0, "lr": 1e-4, "scheduler": 1])
        #expect(grid.point(11) == ["dropout": 0.1, "lr": 1e-2, "scheduler": 1])
        for index in 0..<12 { #expect(grid.gridIndex(of: grid.point(index)) == index) }
        #expect(grid.gridIndex(of: ["dropout": 0.2, "lr": 1e-4, "scheduler": 0]) == nil)
        #expect(grid.gridIndex(of: ["lr": 1e-4, "scheduler": 0]) == nil)
    }

    /// Runs a study to the end: up to `parallel` trials run at once, each sampled when it starts;
    /// `finishSeed` picks which running trial finishes next.
    static func run(_ grid: GridSampler, parallel: Int, finishSeed: UInt64) -> [TuningTrial] {
        var trials: [TuningTrial] = []
        var random = RandomSource(seed: finishSeed)
        while true {
            while trials.filter({ $0.state == .running }).count < parallel,
                  let params = grid.sample(trialNumber: trials.count, trials: trials) {
                if trials.count >= 3 * grid.gridSize { return trials }
                trials.append(TuningTrial(number: trials.count, state: .running, params: params))
            }
            let running = trials.indices.filter { trials[$0].state == .running }
            if running.isEmpty || grid.isExhausted(trials: trials) { return trials }
            trials[running[random.nextInt(below: running.count)]].state = .complete
        }
    }

    @Test func sequentialStudyVisitsEveryPointOnceThenStops() {
        let trials = Self.run(Self.grid, parallel: 1, finishSeed: 0)
        #expect(trials.count == 12)
        #expect(Set(trials.map { Self.grid.gridIndex(of: $0.params)! }) == Set(0..<12))
        #expect(Self.grid.isExhausted(trials: trials))
        #expect(Self.grid.sample(trialNumber: 12, trials: trials) == nil)
        // Not in the grid's order: picked at random among the unvisited points.
        #expect(trials.map { Self.grid.gridIndex(of: $0.params)! } != Array(0..<12))
        // The same seed gives the same sequence; another seed another one.
        #expect(Self.run(Self.grid, parallel: 1, finishSeed: 0) == trials)
        let reseeded = GridSampler(searchSpace: ["lr": [1e-3, 1e-2, 1e-4], "scheduler": [0, 1], "dropout": [0.1, 0]], seed: 4)
        #expect(Self.run(reseeded, parallel: 1, finishSeed: 0).map(\.params) != trials.map(\.params))
    }

    @Test func parallelStudyCoversTheGridAndAvoidsRunningPoints() {
        let trials = Self.run(Self.grid, parallel: 4, finishSeed: 9)
        // 4 running at once never take the same point while one is not started.
        #expect(Set(trials.prefix(12).map { Self.grid.gridIndex(of: $0.params)! }) == Set(0..<12))
        #expect(trials.count >= 12 && trials.count < 36)
        #expect(Self.grid.isExhausted(trials: trials))
    }

    @Test func unvisitedPointsFollowOptunasRule() {
        let grid = Self.grid
        var trials = (0..<12).map { TuningTrial(number: $0, state: .running, params: grid.point($0)) }
        // Every point started: the unfinished ones are still to take.
        #expect(grid.unvisitedGridIndices(trials: trials) == Array(0..<12))
        trials[3].state = .fail
        trials[5].state = .pruned
        trials[7].state = .complete
        #expect(grid.unvisitedGridIndices(trials: trials) == [0, 1, 2, 4, 6, 8, 9, 10, 11])
        trials.removeLast()
        #expect(grid.unvisitedGridIndices(trials: trials) == [11])
        // A trial's choice depends on its number and the study, not on when it is asked.
        let early = grid.sample(trialNumber: 20, trials: Array(trials.prefix(3)))
        #expect(early == grid.sample(trialNumber: 20, trials: Array(trials.prefix(3)).reversed()))
        #expect(grid.sample(trialNumber: 20, trials: trials) == grid.point(11))
    }
}
