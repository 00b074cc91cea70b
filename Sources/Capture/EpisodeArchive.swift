import Core
import Dataset
import Foundation
import HDF5

/// Turns finished episodes into durable files, one episode per file: `<out>/episode-000007.hdf5`, in the
/// project's dataset format (docs/dataset-format.md) plus a `calibration` attribute (JSON: K, distortion,
/// base_T_cam and depth scale of every camera, as the driver gave them) on the file and on `data/demo_0`.
///
/// The file is assembled in `<out>/.capture/staging` by `ShardWriter` (written, fsynced, renamed), given
/// its calibration, fsynced again and only then renamed into `<out>`, and the folder is fsynced: a file
/// named `episode-*.hdf5` in `<out>` is always complete, and a finished file is never overwritten.
public struct EpisodeArchive {
    public let folder: String
    public let stagingFolder: String

    /// The number of stages `write` reports through its `progress` (the caller's last stage included).
    public static let stageCount = 4

    /// `stagingFolder` must be on the same file system as `folder` (default `folder/.capture/staging`).
    public init(folder: String, stagingFolder: String? = nil) throws {
        self.folder = folder
        self.stagingFolder = stagingFolder
            ?? ((folder as NSString).appendingPathComponent(".capture") as NSString).appendingPathComponent("staging")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: self.stagingFolder, withIntermediateDirectories: true)
        } catch {
            throw CaptureError.output(path: folder, problem: "cannot create the folder (\(error.localizedDescription))")
        }
    }

    public static func fileName(episode: Int) -> String { String(format: "episode-%06d.hdf5", episode) }

    /// Episode numbers already in the folder.
    public func existingEpisodes() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("episode-"), name.hasSuffix(".hdf5") else { return nil }
            return Int(name.dropFirst("episode-".count).dropLast(".hdf5".count))
        }.sorted()
    }

    /// The next free episode number.
    public func nextEpisode() -> Int { (existingEpisodes().last ?? -1) + 1 }

    /// Writes `record` as episode `number` and returns the final path. `progress` hears each stage
    /// ("writing ... (1 of 4)"), for the page's progress line.
    @discardableResult
    public func write(_ record: EpisodeRecord, number: Int, header: DatasetHeader, calibration: [CameraCalibration],
                      progress: (String) -> Void = { _ in }) throws -> String {
        let name = Self.fileName(episode: number)
        let finalPath = (folder as NSString).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: finalPath) else {
            throw CaptureError.output(path: finalPath, problem: "the episode file already exists and finished episodes are never overwritten")
        }
        let staged = (stagingFolder as NSString).appendingPathComponent(name)
        unlink(staged)  // left by a crash between staging and the final rename
        let n = Self.stageCount
        do {
            progress("writing the HDF5 file, \(record.steps.count + 1) observations (1 of \(n))")
            try ShardWriter.writeEpisode(record, directory: stagingFolder, name: name, header: header)
            progress("adding the calibration and syncing to disk (2 of \(n))")
            try Self.addCalibration(CameraCalibration.json(calibration), to: staged)
        } catch let error as CaptureError {
            throw error
        } catch {
            throw CaptureError.output(path: staged, problem: "\(error)")
        }
        do {
            progress("moving \(name) into \((folder as NSString).lastPathComponent) (3 of \(n))")
            guard try DurableFile.commitNew(staged, to: finalPath) else {
                throw CaptureError.output(path: finalPath, problem: "cannot move the episode into place (the file exists)")
            }
        } catch let error as FileWriteError {
            throw CaptureError.output(path: error.path, problem: "cannot move the episode into place (\(error.detail))")
        }
        return finalPath
    }

    static func addCalibration(_ json: String, to path: String) throws {
        let file = try HDF5File.open(path, mode: .readWrite)
        func annotate() throws {
            let root = try file.root()
            try root.attributes.set("calibration", json)
            let demo = try file.group(DatasetLayout.demoPath(0))
            try demo.attributes.set("calibration", json)
        }
        try annotate()
        try file.close()
    }
}
