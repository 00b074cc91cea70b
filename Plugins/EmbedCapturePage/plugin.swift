import Foundation
import PackagePlugin

/// Compiles the files of a target's `Page/` folder into the target as `EmbeddedPage.files` (name -> text),
/// so the capture page ships inside the `cliport` binary. A SwiftPM resource bundle would have to sit next
/// to the executable; a binary copied elsewhere without it stops at the first page load.
@main
struct EmbedCapturePage: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Sources/\(target.name)/Page")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        let inputs = names.map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPage.swift")
        return [.buildCommand(displayName: "Embedding the capture page (\(names.joined(separator: ", ")))",
                              executable: try context.tool(named: "PageEmbedder").url,
                              arguments: [output.path] + inputs.map(\.path),
                              inputFiles: inputs, outputFiles: [output])]
    }
}
