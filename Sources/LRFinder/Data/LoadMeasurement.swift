import Foundation

/// How long loading a data set took and how much memory the process needed for it: the figures of
/// `lrfind bench --load-only`.
public struct LoadMeasurement: Codable, Equatable, Sendable {
    /// What was measured: `load` (``DataRecipe/load()``: read and parse), `prepare`
    /// (``DataRecipe/prepare()``: read, parse, split and encode, as training does) or `predict`
    /// (``Predictor/read(_:)``: read, match the columns by name and encode, as `lrfind predict` does).
    public var stage: String
    /// Data rows read (all splits together for `prepare`).
    public var rows: Int
    /// Feature columns.
    public var columns: Int
    /// Wall time of the stage, in seconds.
    public var seconds: Double
    /// The process's peak resident set size when the stage ended, in bytes (it includes whatever
    /// the process held before).
    public var peakResidentBytes: Int

    /// Loads (and with `preparing`, splits and scales) the data of `recipe` once, timed.
    public static func measure(_ recipe: DataRecipe, preparing: Bool) throws -> LoadMeasurement {
        let start = DispatchTime.now().uptimeNanoseconds
        let rows: Int, columns: Int
        if preparing {
            let prepared = try recipe.prepare()
            rows = prepared.splitCounts.reduce(0, +)
            columns = prepared.featureCount
        } else {
            let dataset = try recipe.load()
            rows = dataset.count
            columns = dataset.featureCount
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return LoadMeasurement(stage: preparing ? "prepare" : "load", rows: rows, columns: columns, seconds: seconds,
                               peakResidentBytes: ProcessMemory.peakResidentBytes)
    }

    /// Reads the CSV file at `path` for `predictor` once (``Predictor/read(_:)``), timed; the
    /// columns are the model's inputs after encoding.
    public static func measure(predictingWith predictor: Predictor, path: String) throws -> LoadMeasurement {
        let start = DispatchTime.now().uptimeNanoseconds
        let input = try predictor.read(path)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return LoadMeasurement(stage: "predict", rows: input.features.rows, columns: input.features.columns, seconds: seconds,
                               peakResidentBytes: ProcessMemory.peakResidentBytes)
    }
}
