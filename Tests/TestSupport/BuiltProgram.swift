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

/// What a run of the built program did.
public struct ProgramRun {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

extension BuiltProgram {
    /// Runs the built `cliport` with `arguments` (in `folder` when given, with `environment` added to this
    /// process's) and collects its status and output.
    public static func run(_ arguments: [String], in folder: String? = nil, environment: [String: String] = [:]) throws -> ProgramRun {
        let process = Process()
        process.executableURL = cliport
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProgramRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                          stderr: String(decoding: stderr, as: UTF8.self))
    }
}
