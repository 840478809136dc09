import Foundation

// The settings inside a recipe, each field under its property name, left out at its default and
// read back as it (Support/RecipeCoding.swift). Unknown fields are refused.

extension RangeTestSettings {
    private enum Keys: String, CodingKey, CaseIterable {
        case minimumLearningRate, maximumLearningRate, spacing, length, batchesPerStep, metric, smoothingBeta, divergenceFactor,
             stopsOnDivergence, validationRungs
    }

    /// Decodes the fields given; a missing one takes its default.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Keys.self, in: "rangeTest")
        let container = try decoder.container(keyedBy: Keys.self)
        let defaults = RangeTestSettings()
        self.init()
        minimumLearningRate = try container.decode(Double.self, forKey: .minimumLearningRate, default: defaults.minimumLearningRate)
        maximumLearningRate = try container.decode(Double.self, forKey: .maximumLearningRate, default: defaults.maximumLearningRate)
        spacing = try container.decode(LearningRateSpacing.self, forKey: .spacing, default: defaults.spacing)
        length = try container.decode(RangeTestLength.self, forKey: .length, default: defaults.length)
        batchesPerStep = try container.decode(Int.self, forKey: .batchesPerStep, default: defaults.batchesPerStep)
        metric = try container.decode(RangeTestMetric.self, forKey: .metric, default: defaults.metric)
        smoothingBeta = try container.decode(Double.self, forKey: .smoothingBeta, default: defaults.smoothingBeta)
        divergenceFactor = try container.decode(Double.self, forKey: .divergenceFactor, default: defaults.divergenceFactor)
        stopsOnDivergence = try container.decode(Bool.self, forKey: .stopsOnDivergence, default: defaults.stopsOnDivergence)
        validationRungs = try container.decode(Int.self, forKey: .validationRungs, default: defaults.validationRungs)
    }

    /// Encodes the fields that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let defaults = RangeTestSettings()
        try container.encode(minimumLearningRate, forKey: .minimumLearningRate, unlessEqualTo: defaults.minimumLearningRate)
        try container.encode(maximumLearningRate, forKey: .maximumLearningRate, unlessEqualTo: defaults.maximumLearningRate)
        try container.encode(spacing, forKey: .spacing, unlessEqualTo: defaults.spacing)
        try container.encode(length, forKey: .length, unlessEqualTo: defaults.length)
        try container.encode(batchesPerStep, forKey: .batchesPerStep, unlessEqualTo: defaults.batchesPerStep)
        try container.encode(metric, forKey: .metric, unlessEqualTo: defaults.metric)
        try container.encode(smoothingBeta, forKey: .smoothingBeta, unlessEqualTo: defaults.smoothingBeta)
        try container.encode(divergenceFactor, forKey: .divergenceFactor, unlessEqualTo: defaults.divergenceFactor)
        try container.encode(stopsOnDivergence, forKey: .stopsOnDivergence, unlessEqualTo: defaults.stopsOnDivergence)
        try container.encode(validationRungs, forKey: .validationRungs, unlessEqualTo: defaults.validationRungs)
    }
}

extension AnalysisSettings {
    private enum Keys: String, CodingKey, CaseIterable {
        case bandwidth, divergenceFactor
    }

    /// Decodes the fields given (`bandwidth`: the smoother's, absent for automatic).
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Keys.self, in: "analysis")
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(smoother: ZeroPhaseSmoother(bandwidth: try container.decodeIfPresent(Double.self, forKey: .bandwidth)),
                  divergenceFactor: try container.decode(Double.self, forKey: .divergenceFactor, default: AnalysisSettings().divergenceFactor))
    }

    /// Encodes the fields that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(smoother.bandwidth, forKey: .bandwidth)
        try container.encode(divergenceFactor, forKey: .divergenceFactor, unlessEqualTo: AnalysisSettings().divergenceFactor)
    }
}

extension TrainingConfiguration {
    private enum Keys: String, CodingKey, CaseIterable {
        case epochs, learningRate, earlyStopping, monitor
    }

    /// Decodes the fields given; a missing one takes its default.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Keys.self, in: "training")
        let container = try decoder.container(keyedBy: Keys.self)
        let defaults = TrainingConfiguration()
        self.init()
        epochs = try container.decode(Int.self, forKey: .epochs, default: defaults.epochs)
        learningRate = try container.decode(Double.self, forKey: .learningRate, default: defaults.learningRate)
        earlyStopping = try container.decodeIfPresent(EarlyStopping.self, forKey: .earlyStopping)
        monitor = try container.decodeIfPresent(ValidationMetric.self, forKey: .monitor)
    }

    /// Encodes the fields that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let defaults = TrainingConfiguration()
        try container.encode(epochs, forKey: .epochs, unlessEqualTo: defaults.epochs)
        try container.encode(learningRate, forKey: .learningRate, unlessEqualTo: defaults.learningRate)
        try container.encodeIfPresent(earlyStopping, forKey: .earlyStopping)
        try container.encodeIfPresent(monitor, forKey: .monitor)
    }
}

extension EarlyStopping {
    private enum Keys: String, CodingKey, CaseIterable {
        case metric, patience, minimumDelta, restoresBestWeights
    }

    /// Decodes the fields given; a missing one takes its default.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Keys.self, in: "earlyStopping")
        let container = try decoder.container(keyedBy: Keys.self)
        let defaults = EarlyStopping()
        self.init(metric: try container.decode(ValidationMetric.self, forKey: .metric, default: defaults.metric),
                  patience: try container.decode(Int.self, forKey: .patience, default: defaults.patience),
                  minimumDelta: try container.decode(Double.self, forKey: .minimumDelta, default: defaults.minimumDelta),
                  restoresBestWeights: try container.decode(Bool.self, forKey: .restoresBestWeights, default: defaults.restoresBestWeights))
    }

    /// Encodes the fields that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let defaults = EarlyStopping()
        try container.encode(metric, forKey: .metric, unlessEqualTo: defaults.metric)
        try container.encode(patience, forKey: .patience, unlessEqualTo: defaults.patience)
        try container.encode(minimumDelta, forKey: .minimumDelta, unlessEqualTo: defaults.minimumDelta)
        try container.encode(restoresBestWeights, forKey: .restoresBestWeights, unlessEqualTo: defaults.restoresBestWeights)
    }
}

extension TrainerSettings {
    private enum Keys: String, CodingKey, CaseIterable {
        case batchSize, seed, clipping, loss
    }

    /// Decodes the fields given; a missing one takes its default.
    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Keys.self, in: "trainer")
        let container = try decoder.container(keyedBy: Keys.self)
        let defaults = TrainerSettings()
        self.init(batchSize: try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize),
                  seed: try container.decode(UInt64.self, forKey: .seed, default: defaults.seed),
                  clipping: try container.decode(GradientClipping.self, forKey: .clipping, default: defaults.clipping),
                  loss: try container.decodeIfPresent(LossFunction.self, forKey: .loss))
    }

    /// Encodes the fields that differ from their defaults.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let defaults = TrainerSettings()
        try container.encode(batchSize, forKey: .batchSize, unlessEqualTo: defaults.batchSize)
        try container.encode(seed, forKey: .seed, unlessEqualTo: defaults.seed)
        try container.encode(clipping, forKey: .clipping, unlessEqualTo: defaults.clipping)
        try container.encodeIfPresent(loss, forKey: .loss)
    }
}
