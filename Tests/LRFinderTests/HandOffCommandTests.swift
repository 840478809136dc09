import Foundation
import Testing
@testable import LRFinder

/// The `lrfind train` command of a hand-off: every setting that differs from the defaults, real
/// numbers at full precision, words quoted for a POSIX shell.
@Suite struct HandOffCommandTests {
    @Test func wordsThatNeedNoQuotesStayAndOthersAreSingleQuoted() {
        #expect(ShellWord.quoted("onecycle:max=0.003594147,pct-start=0.3") == "onecycle:max=0.003594147,pct-start=0.3")
        #expect(ShellWord.quoted("data/wine.csv") == "data/wine.csv")
        #expect(ShellWord.quoted("my data.csv") == "'my data.csv'")
        #expect(ShellWord.quoted("it's") == "'it'\\''s'")
        #expect(ShellWord.quoted("") == "''")
        #expect(ShellWord.quoted("$HOME") == "'$HOME'")
        #expect(ShellWord.quoted("~/x") == "'~/x'")
        #expect(ShellWord.quoted("a;b") == "'a;b'")
    }

    @Test func defaultsLeaveOnlyTheScheduleRateEpochsAndThreads() throws {
        var recipe = TrainingRecipe(model: ModelRecipe(spec: try ModelSpec(parsing: "mlp")))
        // A rate whose 4-digit text (0.003594) is another Double: the command keeps all 17 digits.
        let rate = 0.0035941470729359427
        recipe.training.learningRate = rate
        recipe.training.epochs = 10
        recipe.schedule = ScheduleSpec(.oneCycle(OneCycleSettings(max: rate)))
        let command = HandOffCommand(recipe, threads: 1)
        #expect(command.arguments == ["train", "--lr", "0.0035941470729359427", "--schedule", "onecycle:max=0.0035941470729359427", "--threads", "1"])
        #expect(command.text == "lrfind train --lr 0.0035941470729359427 --schedule onecycle:max=0.0035941470729359427 --threads 1")
        #expect(Double("0.0035941470729359427") == rate && Double("0.003594") != rate)
    }

    @Test func everySettingThatDiffersIsSaid() throws {
        var data = DataRecipe(path: "my data.csv")
        data.labelColumn = .index(2)
        data.header = .present
        data.delimiter = .semicolon
        data.ignoredColumns = [.name("id"), .index(0)]
        data.missing = .mean
        data.keepsIndexColumn = true
        data.categorical = .columns([.name("sex"), .index(4)])
        data.scaling = ScalingMethod.none
        data.split = .fractions(train: 0.5, validation: 0.25, test: 0.25)
        data.splitSeed = 7
        data.maximumClassCount = 50
        data.task = .classification
        let model = ModelRecipe(spec: try ModelSpec(parsing: "dense:16,relu"), initialization: .heNormal, inputShape: nil,
                                initialWeightsPath: "start.safetensors")
        var training = TrainingConfiguration()
        training.epochs = 7
        training.learningRate = 0.1
        training.earlyStopping = EarlyStopping(metric: .accuracy, patience: 3)
        var cyclic = CyclicSettings(base: 1e-5, max: 0.1)
        cyclic.stepSizeUp = 13.333333333333334
        let recipe = TrainingRecipe(
            data: data, model: model,
            optimizer: .sgd(SGDSettings(momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 5e-4)),
            trainer: TrainerSettings(batchSize: 32, seed: 3, clipping: .norm(1.5), loss: .crossEntropy),
            training: training, schedule: ScheduleSpec(.cyclic(cyclic)))
        let command = HandOffCommand(recipe, threads: 2)
        #expect(command.text == "lrfind train --data 'my data.csv' --label-column 3 --header present --delimiter semicolon --ignore-columns id,1"
                + " --missing mean --keep-index-column --categorical sex,5 --scale none --split 0.5,0.25,0.25 --split-seed 7 --max-classes 50"
                + " --task classification --model dense:16,relu --init he-normal --init-from start.safetensors"
                + " --optimizer sgd --momentum 0.9 --dampening 0.1 --weight-decay 0.0005 --batch-size 32 --seed 3 --clip norm:1.5 --loss cross-entropy"
                + " --lr 0.1 --epochs 7 --early-stop 3 --monitor val-accuracy"
                + " --schedule cyclic:base=1e-5,max=0.1,step-up=13.333333333333334 --threads 2")
    }

    @Test func adamAndRMSpropSettingsAreSaidAgainstTheirOwnDefaults() throws {
        let model = ModelRecipe(spec: try ModelSpec(parsing: "logreg"))
        let adamW = TrainingRecipe(model: model, optimizer: .adamW(AdamSettings(beta1: 0.95, weightDecay: 0.01, amsgrad: true)))
        #expect(HandOffCommand(adamW, threads: 1).arguments == ["train", "--model", "logreg", "--beta1", "0.95", "--amsgrad", "--threads", "1"])
        // Adam's weight decay defaults to 0, AdamW's to 0.01; Adam's default rate is 1e-3 too.
        let adam = TrainingRecipe(model: model, optimizer: .adam(AdamSettings(weightDecay: 0.01)))
        #expect(HandOffCommand(adam, threads: 1).arguments == ["train", "--model", "logreg", "--optimizer", "adam", "--weight-decay", "0.01", "--threads", "1"])
        var rmsprop = TrainingRecipe(model: model, optimizer: .rmsprop(RMSpropSettings(alpha: 0.9, epsilon: 1e-6, centered: true)))
        rmsprop.training.learningRate = 1e-2
        #expect(HandOffCommand(rmsprop, threads: 1).arguments
                    == ["train", "--model", "logreg", "--optimizer", "rmsprop", "--alpha", "0.9", "--eps", "1e-6", "--centered", "--threads", "1"])
    }

    @Test func theCommandEncodesItsWordsAndText() throws {
        let command = HandOffCommand(arguments: ["train", "--data", "a b.csv"])
        let json = String(decoding: try JSONEncoder.sorted.encode(command), as: UTF8.self)
        #expect(json == #"{"arguments":["train","--data","a b.csv"],"text":"lrfind train --data 'a b.csv'"}"#)
        #expect(try JSONDecoder().decode(HandOffCommand.self, from: Data(json.utf8)) == command)
    }
}

private extension JSONEncoder {
    /// Sorted keys, slashes unescaped.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
