import Core
import Foundation
import HDF5
import Model

/// One checkpoint file: the networks (`TransporterAgentNetworks.save`), both optimisers' state, the
/// step it was taken after, the validation loss when one was measured, and the run's configuration,
/// so a checkpoint alone says how to rebuild its agent. Written to `.partial` and renamed.
public enum TrainingCheckpoint {
    public struct Info: Equatable, Sendable {
        public var step: Int
        public var validationLoss: Double?
        public var configuration: TrainingConfiguration
    }

    static func write(_ networks: TransporterAgentNetworks, step: Int, validationLoss: Double?,
                      configuration: TrainingConfiguration, to path: String) throws {
        let temporary = path + ".partial"
        do {
            let file = try HDF5File.create(temporary)
            let root = try file.root()
            try networks.save(to: try root.createGroup("agent"))
            try networks.saveOptimizers(to: root)
            try root.attributes.set("step", step)
            if let validationLoss { try root.attributes.set("validation_loss", validationLoss) }
            let json = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
            try root.attributes.set("training_configuration", json)
            try root.attributes.set("format", "cliport-checkpoint-1")
            try file.close()
        } catch let error as HDF5Error where error.isDiskFull {
            try? FileManager.default.removeItem(atPath: temporary)
            throw TrainerError.badOption("the disk is full while writing \(path); free space and resume (the previous checkpoint is intact)")
        }
        try DurableFile.commit(temporary, to: path)
    }

    /// The step, validation loss and configuration of a checkpoint, without loading weights.
    public static func info(_ path: String) throws -> Info {
        let file = try open(path)
        let root = try file.root()
        let json = try root.attributes.string("training_configuration")
        let configuration = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8))
        let loss = root.attributes.contains("validation_loss") ? try root.attributes.double("validation_loss") : nil
        return Info(step: try root.attributes.int("step"), validationLoss: loss, configuration: configuration)
    }

    /// Loads weights (and, when `optimizers`, the optimiser state) into networks built with the run's settings.
    static func read(_ path: String, into networks: TransporterAgentNetworks, optimizers: Bool) throws {
        let file = try open(path)
        let root = try file.root()
        try networks.load(from: try root.group("agent"))
        if optimizers { try networks.loadOptimizers(from: root) }
    }

    private static func open(_ path: String) throws -> HDF5File {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainerError.badOption("no checkpoint at \(path); list a run's checkpoints in RUN/checkpoints")
        }
        let file = try HDF5File.open(path)
        guard try file.root().attributes.contains("format") else {
            throw TrainerError.badOption("\(path) is not a cliport checkpoint (written by `cliport train`)")
        }
        return file
    }
}
