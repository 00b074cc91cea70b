import Core
import Foundation
import HDF5

/// Rewrites one dataset file with new `mask/train` and `mask/valid`, atomically: everything else is copied
/// as stored (chunks are not recompressed; external links stay links) into `<file>.partial`, which is
/// fsynced and renamed over the original. A crash leaves the old file whole.
enum ShardRewriter {
    static func rewrite(_ path: String, train: [String], valid: [String]) throws {
        let partial = path + ".partial"
        try DatasetError.writing { try DurableFile.requireFreeSpace(DurableFile.size([path]), in: (path as NSString).deletingLastPathComponent) }
        do {
            try DatasetWriteError.wrap(partial) {
                let source = try DatasetReader.openShard(path)
                let sourceRoot = try source.root()
                let out = try HDF5File.create(partial, overwrite: true)
                let root = try out.root()
                try copyAttributes(from: sourceRoot.attributes, to: root.attributes)
                let sourceData = try sourceRoot.group(DatasetLayout.dataGroup)
                let data = try root.createGroup(DatasetLayout.dataGroup)
                try copyAttributes(from: sourceData.attributes, to: data.attributes)
                // Demos in N order, then anything else, so the copy is laid out as the original was written.
                let members = try sourceData.memberNames()
                let demos = DatasetLayout.demoNames(members)
                for name in demos + members.filter({ !demos.contains($0) }) {
                    if let link = try sourceData.externalLinkTarget(name) {
                        try data.createExternalLink(name, file: link.file, object: link.object)
                    } else {
                        try sourceData.copyMember(name, to: data, as: name)
                    }
                }
                for name in try sourceRoot.memberNames() where name != DatasetLayout.dataGroup && name != DatasetLayout.maskGroup {
                    try sourceRoot.copyMember(name, to: root, as: name)
                }
                try ShardRootAttributes.writeMasks(in: root, train: train, valid: valid)
                try out.close()
            }
            try DatasetError.writing { try DurableFile.commit(partial, to: path) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Copies every attribute whose value the wrapper can read back (numbers, text, and arrays of them).
    static func copyAttributes(from source: HDF5Attributes, to destination: HDF5Attributes) throws {
        for name in try source.names() {
            switch try source.value(name) {
            case let .int(v): try destination.set(name, v)
            case let .double(v): try destination.set(name, v)
            case let .string(v): try destination.set(name, v)
            case let .ints(v): try destination.set(name, v)
            case let .doubles(v): try destination.set(name, v)
            case let .strings(v): try destination.set(name, v)
            case .unsupported: continue
            }
        }
    }
}
