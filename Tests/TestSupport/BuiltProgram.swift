import Foundation

/// The `cliport` program the build put next to the test bundle (.build/<configuration>/cliport), for tests
/// that run it as a user would. Test targets that use it depend on the `cliport` target so it is built.
public enum BuiltProgram {
    /// The executable, or where it would be when it is not built.
    public static var cliport: URL {
        let candidates = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() } + [Bundle.main.bundleURL]
        return candidates.map { $0.appendingPathComponent("cliport") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0].appendingPathComponent("cliport")
    }
}
