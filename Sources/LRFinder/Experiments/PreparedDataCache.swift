import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The prepared data of the last run, kept for the next run of the same process (a sweep's
/// worker runs dozens of recipes on one data file): a run whose data recipe equals the kept one
/// (its digest aside) and whose files are unchanged gets the kept splits and digest without
/// reading, parsing, splitting, encoding or hashing the files again.
///
/// "Unchanged" is the test `make` and `rsync` use: the same device, inode, size and modification
/// time (in nanoseconds) as when the entry was kept. The splits are a pure function of the recipe
/// and the bytes, so a run from the cache equals a run from the files bit for bit.
public final class PreparedDataCache {
    /// A file's identity as `stat` gives it.
    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    /// The kept entry.
    private var recipe: DataRecipe?
    private var files: [FileIdentity] = []
    private var data: PreparedData?
    private var digest: String?

    /// How many runs were served from the cache (for tests and `--verbose`).
    public private(set) var hits = 0

    /// An empty cache.
    public init() {}

    /// The prepared splits of `recipe` (its digest is ignored), from the cache when the recipe and
    /// its files match the kept entry, else prepared and kept.
    /// - Throws: what ``DataRecipe/prepare(reusing:)`` throws.
    func prepared(_ recipe: DataRecipe) throws -> PreparedData {
        let key = Self.withoutDigest(recipe)
        let identities = Self.identities(of: recipe)
        if let data, key == self.recipe, let identities, identities == files {
            hits += 1
            return data
        }
        let prepared = try recipe.prepare()
        (self.recipe, files, data, digest) = identities.map { (key, $0, prepared, nil) } ?? (nil, [], nil, nil)
        return prepared
    }

    /// The hex SHA-256 of `recipe`'s data (``DataRecipe/contentDigest()``), from the cache when
    /// the entry ``prepared(_:)`` kept for it holds one and its files are unchanged.
    /// - Throws: what ``DataRecipe/contentDigest()`` throws.
    func contentDigest(of recipe: DataRecipe) throws -> String {
        let key = Self.withoutDigest(recipe)
        let identities = Self.identities(of: recipe)
        if let digest, key == self.recipe, identities == files { return digest }
        let taken = try recipe.contentDigest()
        if key == self.recipe, identities == files { digest = taken }
        return taken
    }

    private static func withoutDigest(_ recipe: DataRecipe) -> DataRecipe {
        var recipe = recipe
        recipe.digest = nil
        return recipe
    }

    /// The identities of the files `recipe` reads (data, labels; the bundled file); nil when one
    /// cannot be taken (standard input, a missing file): such data is never kept.
    private static func identities(of recipe: DataRecipe) -> [FileIdentity]? {
        let paths: [String]
        if let path = recipe.path {
            guard path != "-" else { return nil }
            paths = [path] + (recipe.labelsPath.map { [$0] } ?? [])
        } else if let url = (try? recipe.bundledData())?.url {
            paths = [url.path]
        } else {
            return nil
        }
        var identities: [FileIdentity] = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            identities.append(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                                           modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec)))
        }
        return identities
    }
}
