import ArgumentParser
import Trainer

/// `cliport agents`: every agent CLIPort defines, by CLIPort's name and ours, with what it needs.
struct AgentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents", abstract: "List every CLIPort agent: CLIPort's name, ours (for train --model), what it needs, what it is for.",
        discussion: "Needs: clip-weights (CLIP RN50 imported with `cliport weights import`, passed as --clip-weights), "
            + "imagenet-weights (torchvision's resnet50 state dict as safetensors, --visual-weights), "
            + "text-encoder (--text-encoder clip, distilbert, distilbert-untrained or hashed-ngrams), "
            + "goal-images (the dataset's goal observations). "
            + "train --model takes our name or CLIPort's.")

    // --json: agents (cliport_name, name, aliases, needs, default_text_encoder, purpose).
    @OptionGroup var json: JSONOutputOptions

    func run() throws {
        let entries = AgentCatalogEntry.all
        if json.enabled {
            printJSON(Listing(agents: entries))
            return
        }
        for entry in entries {
            let alias = entry.aliases.isEmpty ? "" : " (also \(entry.aliases.joined(separator: ", ")))"
            print("\(entry.cliportName)\(alias) -> \(entry.name)")
            let needs = entry.needs.isEmpty ? "nothing but a dataset" : entry.needs.map(\.rawValue).joined(separator: ", ")
            print("    needs: \(needs)" + (entry.defaultTextEncoder.map { "; text encoder by default: \($0)" } ?? ""))
            print("    for: \(entry.purpose)")
        }
    }

    struct Listing: Encodable {
        var agents: [AgentCatalogEntry]
    }
}
