import Foundation
import LRFinder

/// `lrfind bench --tuning`: what the tuning samplers cost and gain.
extension Bench {
    /// One sampler's figures.
    struct TuningRow: Encodable {
        /// `tpe (multivariate)`, `tpe (independent)` or `random`.
        var sampler: String
        /// Median microseconds of one suggestion after 100 finished trials (repeats as `--repeats`).
        var microsecondsPerSuggestion: Double
        /// The best value of a 30-trial study, for seeds 0-9, and their median.
        var bestValues: [Double]
        var medianBestValue: Double
    }

    /// The document `--json` prints.
    struct TuningReport: Encodable {
        var objective = "SchedulerRateObjective (maximise; optimum 0.95)"
        var trials = 30
        var seeds = 10
        var historyForTiming = 100
        var rows: [TuningRow]
    }

    /// Times TPE's suggestion after 100 trials and compares 30-trial studies over 10 seeds.
    func measureTuning() throws {
        let samplers: [(String, (UInt64) -> TuningStudy.Sampler)] = [
            ("tpe (multivariate)", { .tpe(TPESampler(seed: $0)) }),
            ("tpe (independent)", { .tpe(TPESampler(seed: $0, multivariate: false)) }),
            ("random", { .random(RandomSampler(seed: $0)) }),
        ]
        func study(_ sampler: TuningStudy.Sampler, trials: Int) -> TuningStudy {
            var study = TuningStudy(searchSpace: SchedulerRateObjective.searchSpace, direction: .maximize, sampler: sampler)
            study.optimize(trialCount: trials) { TuningStudy.Report(value: SchedulerRateObjective.value($0)) }
            return study
        }
        var rows: [TuningRow] = []
        for (name, make) in samplers {
            let history = study(make(0), trials: 100)
            var times: [Double] = []
            for _ in 0..<max(repeats, 5) {
                let started = DispatchTime.now().uptimeNanoseconds
                _ = history.nextParameters()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e3)
            }
            let best = (0..<10).map { study(make(UInt64($0)), trials: 30).bestTrial?.value ?? -.infinity }
            rows.append(TuningRow(sampler: name, microsecondsPerSuggestion: Median.of(times) ?? .nan, bestValues: best, medianBestValue: Median.of(best) ?? .nan))
        }
        if output.json { return print(try jsonText(TuningReport(rows: rows))) }
        print("tuning: SchedulerRateObjective (scheduler x learning rate, maximise, optimum 0.95); 30 trials x seeds 0-9")
        print("sampler              us/suggestion at 100 trials  median best of 30 trials  best per seed")
        for row in rows {
            print(TableColumn.cell(row.sampler, width: 21) + TableColumn.cell(NumberText.fixed(row.microsecondsPerSuggestion, fractionDigits: 1), width: 29)
                + TableColumn.cell(NumberText.fixed(row.medianBestValue), width: 26) + row.bestValues.map { NumberText.fixed($0) }.joined(separator: " "))
        }
    }
}
