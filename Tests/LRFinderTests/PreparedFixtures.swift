import Foundation
import LRFinder
@_exported import TestFixtures

extension Fixtures {
    /// The bundled digits as ``DataRecipe`` prepares them by default (split and scaling), read once
    /// for every suite that trains on them.
    static let preparedDigits: PreparedData = {
        var recipe = DataRecipe()
        recipe.bundled = .digits
        return try! recipe.prepare()
    }()
}
