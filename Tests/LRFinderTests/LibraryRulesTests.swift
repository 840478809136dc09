import Foundation
import Testing
@testable import LRFinder

/// The rules the commands used to hold, now the library's: each against hand-worked values.
@Suite struct LibraryRulesTests {
    @Test func aScheduleRunsForTheUpdatesOrTheEpochsOfItsUnit() throws {
        let perBatch = try ScheduleSpec(parsing: "step:size=2,unit=batch")
        let perEpoch = try ScheduleSpec(parsing: "step:size=2")
        #expect(perBatch.runLength(epochs: 3, updates: 30) == 30)
        #expect(perEpoch.runLength(epochs: 3, updates: 30) == 3)
        // 1 * 1e20^2 = 1e40 at epoch 2 is past Float: refused before any update, naming the step.
        let blowUp = try ScheduleSpec(parsing: "exponential:gamma=1e20,unit=epoch")
        #expect(throws: UnusableLearningRate.self) {
            try Scheduler(run: blowUp, initialLearningRate: 1, initialMomentum: nil, epochs: 3, updates: 30)
        }
        // Two epochs stop at 1e20, which a Float holds.
        let scheduler = try Scheduler(run: blowUp, initialLearningRate: 1, initialMomentum: nil, epochs: 2, updates: 20)
        #expect(scheduler.learningRate == 1)
    }

    @Test func cyclingSchedulesGiveSGDAMomentumBuffer() throws {
        #expect(try ScheduleSpec(parsing: "onecycle:max=0.1").cyclesMomentum)
        #expect(try ScheduleSpec(parsing: "cyclic:base=0.01,max=0.1,step-up=4").cyclesMomentum)
        #expect(try !ScheduleSpec(parsing: "onecycle:max=0.1,momentum=false").cyclesMomentum)
        #expect(try !ScheduleSpec(parsing: "cosine:t-max=10").cyclesMomentum)
        #expect(try ScheduleSpec(parsing: "sequential:linear(total=2)|onecycle(max=0.1,total=8)@2").cyclesMomentum)
        #expect(OptimizerSettings(kind: .sgd).stateVectorCount(cyclesMomentum: try ScheduleSpec(parsing: "onecycle:max=0.1").cyclesMomentum) == 1)
    }

    @Test func theGrammarsOfColumnsAndClipping() throws {
        #expect(LabelColumn(parsing: "FIRST") == .first && LabelColumn(parsing: "last") == .last)
        #expect(LabelColumn(parsing: "3") == .index(2) && LabelColumn(parsing: "species") == .name("species"))
        #expect(LabelColumn(parsing: "0") == nil && LabelColumn(parsing: "") == nil)
        #expect(CSVColumn.list(parsing: "id,2") == [.name("id"), .index(1)])
        #expect(CSVColumn.list(parsing: "id,,2") == nil && CSVColumn.list(parsing: "0") == nil)
        #expect(try GradientClipping(parsing: "norm:1.5") == .norm(1.5) && GradientClipping(parsing: "value:0.25") == .value(0.25))
        for bad in ["norm:-1", "norm:0", "value:1e39", "max:1", "norm", "norm:x"] {
            #expect(throws: RecipeError.requirement(.clipping, "must be value:C or norm:C with C > 0", got: "'\(bad)'")) {
                try GradientClipping(parsing: bad)
            }
        }
        #expect(RecipeError.requirement(.clipping, "must be value:C or norm:C with C > 0", got: "'norm:-1'").description
                    == "--clip must be value:C or norm:C with C > 0, got 'norm:-1'")
    }

    @Test func dataRecipeRules() throws {
        var labelsOnly = DataRecipe()
        labelsOnly.labelsPath = "labels.idx"
        #expect(throws: RecipeError(setting: .labels, reason: "needs the IDX images file it labels (--data)")) { try labelsOnly.validate() }
        var named = DataRecipe(path: "x.csv")
        named.header = .absent
        named.ignoredColumns = [.index(0), .name("id")]
        #expect(throws: RecipeError.self) { try named.validate() }
        named.ignoredColumns = [.index(0)]
        try named.validate()
        named.categorical = .columns([.name("sex")])
        #expect(throws: RecipeError.self) { try named.validate() }
        var bundledRegression = DataRecipe()
        bundledRegression.task = .regression
        #expect(throws: RecipeError(setting: .task, value: "regression", reason: "needs a CSV --data file (the bundled and IDX data are classes)")) {
            try bundledRegression.validate()
        }
        var oneClass = DataRecipe(path: "x.csv")
        oneClass.maximumClassCount = 1
        #expect(throws: RecipeError.requirement(.maximumClassCount, "must be >= 2", got: 1)) { try oneClass.validate() }
        var hugeSeed = DataRecipe()
        hugeSeed.splitSeed = 1 << 53
        #expect(throws: RecipeError.self) { try hugeSeed.validate() }
        #expect(TrainerSettings.seedProblem((1 << 53) - 1) == nil && TrainerSettings.seedProblem(1 << 53) != nil)
    }

    /// One rule, two wordings: the option's on the command line, the field's in a recipe file.
    @Test func recipeValidationNamesTheOptionAndTheField() throws {
        var recipe = RangeTestRecipe(model: ModelRecipe(spec: ModelSpec(hidden: [])))
        recipe.rangeTest.maximumLearningRate = 1e-12
        recipe.rangeTest.minimumLearningRate = 1e-4
        do {
            try recipe.validate()
            Issue.record("a maximum below the minimum was taken")
        } catch let error as RecipeError {
            #expect(error.description == "--max must be above the first rate (0.0001), got 1e-12")
            #expect(error.fieldDescription == "rangeTest.maximumLearningRate must be above the first rate (0.0001), got 1e-12")
        }
        recipe = RangeTestRecipe(model: ModelRecipe(spec: ModelSpec(hidden: [])), handOff: HandOffPlan(schedule: .cyclic, epochs: 0))
        #expect(throws: RecipeError.requirement(.handOffEpochs, "must be >= 1", got: 0)) { try recipe.validate() }
        recipe = RangeTestRecipe(model: ModelRecipe(spec: ModelSpec(hidden: [])), analysis: AnalysisSettings(smoother: ZeroPhaseSmoother(bandwidth: -1)))
        #expect(throws: RecipeError.requirement(.bandwidth, "must be positive and finite", got: -1.0)) { try recipe.validate() }
        var training = TrainingRecipe(model: ModelRecipe(spec: ModelSpec(hidden: [])), optimizer: .sgd(SGDSettings(momentum: 1.5)))
        #expect(throws: RecipeError(setting: .optimizer, value: "sgd", reason: "momentum must be in [0, 1), got 1.5")) { try training.validate() }
        training.optimizer = .sgd(SGDSettings())
        training.training.learningRate = 0
        #expect(throws: RecipeError.requirement(.learningRate, "must be a positive number", got: 0.0)) { try training.validate() }
    }

    @Test func theCurveFileReadsBack() throws {
        let steps = [RangeTestStep(learningRate: 1e-4, loss: 2.5, smoothedLoss: 2.5), RangeTestStep(learningRate: 0.001, loss: 2.25, smoothedLoss: 2.375),
                     RangeTestStep(learningRate: 0.01, loss: 1.75, smoothedLoss: 2.1)]
        let curve = RangeTestResult(steps: steps, plannedSteps: 3, stopReason: .completed, settings: RangeTestSettings(), seconds: 0)
        let text = RecordedCurve.csvText(curve, lagFreeLosses: [2.4, 2.2, 1.8])
        #expect(text == "step,lr,loss,smoothed_loss,lag_free_loss\n0,0.0001,2.5,2.5,2.4\n1,0.001,2.25,2.375,2.2\n2,0.01,1.75,2.1,1.8\n")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("curve-\(UUID().uuidString).csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let read = try RecordedCurve.read(path: file.path)
        #expect(read.steps == steps && read.hasSmoothedColumn)
    }

    @Test func theDisplayNameOfAModel() throws {
        let mlp = try ModelSpec(parsing: "mlp")
        #expect(mlp.displayName(given: "mlp", weightsFromFile: false) == "mlp")
        #expect(mlp.displayName(given: "mlp", weightsFromFile: true) == "dense:256,relu,dense:128,relu")
        #expect(mlp.displayName(given: nil, weightsFromFile: false) == "dense:256,relu,dense:128,relu")
        #expect(ModelSpec(hidden: []).displayName(given: "logreg", weightsFromFile: false) == "logreg")
        #expect(try ModelSpec(parsing: "logreg").displayName(given: "dense:0", weightsFromFile: false) == "logreg")
    }

    @Test func numbersAndBytesHaveOneWriter() {
        #expect(NumberText.significant(0.001) == "0.001" && NumberText.significant(3.16227766e-5) == "3.162e-05")
        #expect(NumberText.significant(-.nan) == "nan")
        #expect(NumberText.fixed(0.97123) == "0.9712")
        // An R-squared of a model that predicts nonsense: 68 digits with %.4f.
        #expect(NumberText.fixed(-4.3121e63) == "-4.312e+63")
        #expect(NumberText.bytes(0) == "0 bytes" && NumberText.bytes(812_000) == "812.0 kB" && NumberText.bytes(3_601_232) == "3.6 MB")
        #expect(NumberText.bytes(313_600_000_000) == "313.6 GB" && NumberText.bytes(2_500_000_000_000) == "2.5 TB")
    }

    @Test func whatARangeTestPlotShows() throws {
        // A hand-made curve: it falls from 2 to 0.5, then blows up to 40.
        let rates = (0..<40).map { 1e-4 * pow(10, Double($0) / 8) }
        let losses = (0..<40).map { i -> Double in i < 30 ? 2 - 1.5 * Double(i) / 29 : 0.5 * pow(1.6, Double(i - 29)) }
        var average = 0.0
        let steps = zip(rates, losses).enumerated().map { index, pair -> RangeTestStep in
            average = 0.9 * average + 0.1 * pair.1
            return RangeTestStep(learningRate: pair.0, loss: pair.1, smoothedLoss: average / (1 - pow(0.9, Double(index + 1))))
        }
        let curve = RangeTestResult(steps: steps, plannedSteps: 50, stopReason: .diverged, settings: RangeTestSettings(), seconds: 0)
        let analysis = RangeTestAnalysis(curve)
        let plot = RangeTestPlot(curve: curve, analysis: analysis, ensemble: nil, metric: .trainingLoss, loss: .crossEntropy,
                                 smoothingBeta: 0.9, title: "t")
        // The range: 5 % of the span below the lowest value, 35 % of the fall above the start.
        let low = (losses + analysis.lagFreeLosses).min()!
        let start = max(analysis.lagFreeLosses[0], steps[0].smoothedLoss)
        let top = start + 0.35 * (start - low)
        #expect(plot.valueRange == (low - 0.05 * (top - low))...top)
        // Lowest 1, start 2: top 2 + 0.35 = 2.35, bottom 1 - 0.05 * 1.35 = 0.9325.
        let range = RangeTestPlot.valueRange(losses: [3, 1], smoothedLosses: [2, 2], lagFreeLosses: [2, 1])
        #expect(abs(range.lowerBound - 0.9325) < 1e-12 && abs(range.upperBound - 2.35) < 1e-12)
        #expect(plot.subtitle.hasPrefix("40 of 50 steps, stopped: diverged; points and bounds on the lag-free curve"))
        #expect(plot.curves.map(\.role) == [.raw, .movingAverage, .lagFree] && plot.curves[1].name == "moving average (beta 0.9)")
        #expect(plot.valueTitle == "cross-entropy loss" || plot.valueTitle.hasSuffix("loss"))
        #expect(plot.markers.map(\.point) == [.fallStart, .steepestDescent, .minimum])
        let minimum = try #require(analysis.points.minimum)
        #expect(plot.markers[2].learningRate == minimum.learningRate && plot.markers[2].label == "minimum \(NumberText.significant(minimum.learningRate))")
        let bounds = try #require(analysis.bounds)
        #expect(plot.recommendedRange == bounds.baseLearningRate...bounds.maximumLearningRate)
        #expect(plot.lines.map(\.isRecommendedMaximum) == [false, true] && plot.lines[0].learningRate == analysis.points.divergence?.learningRate)
    }
}
