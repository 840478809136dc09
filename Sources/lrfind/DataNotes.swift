import LRFinder

/// `, labels 5, 7, 9 as classes 0-2` for the first table line when the data file's labels were
/// mapped to classes (the first three and the last of more than eight); empty when every class is
/// its own label.
func classNote(_ data: PreparedData) -> String {
    guard data.train.hasRenamedClasses else { return "" }
    let names = data.classNames
    let shown = names.count <= 8 ? names : Array(names.prefix(3)) + ["...", names.last!]
    return ", labels \(shown.map { $0 == "..." ? $0 : DisplayText.shown($0) }.joined(separator: ", ")) as classes 0-\(names.count - 1)"
}

/// `, delimiter ';'` for the first table line when the data came from a CSV file; empty otherwise.
func delimiterNote(_ data: PreparedData) -> String {
    data.delimiter.map { ", delimiter \($0.shown)" } ?? ""
}

/// Notes on stderr for how `data` was read and encoded (a pandas index column left out, the
/// one-hot encoded columns), one line each.
func noteEncoding(_ data: PreparedData) {
    for note in data.notes { Terminal.note("lrfind: note: \(data.name): \(note)") }
}
