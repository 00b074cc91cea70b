import Core
import Foundation
import Geometry
import PNG
import Video

/// An MP4 of one episode for watching: one frame per step (the observation the action was chosen on, so the
/// frame count equals the episode's steps; the final observation has no action and is left out). Each frame
/// shows the heightmap colour enlarged with the step's pick and place marked as `DatasetViewer.annotated`
/// draws them (magenta pick, cyan place with the rotation tick), the cameras' colour images beside it, and
/// a bar below them filled to the step's place in the episode. The instruction, task and seed go into the
/// file's tags. Written to a temporary file and renamed into place, so a failure leaves no half video.
public enum EpisodeVideo {
    /// Frames per second: one step a second is slow enough to read the marks.
    public static let framesPerSecond = 1
    /// Each camera image is shrunk to fit a tile of this size.
    public static let cameraTile = (width: 320, height: 240)
    static let barHeight = 16
    static let barMargin = 12

    /// The video's file name for episode `index`.
    public static func fileName(episode index: Int) -> String { String(format: "episode%04d.mp4", index) }

    /// Reads episode `index` and writes `episodeNNNN.mp4` into `directory`; returns the path, the frame
    /// count and the encoder.
    @discardableResult
    public static func write(reader: DatasetReader, episode index: Int, to directory: String) throws -> (path: String, frames: Int, encoder: String) {
        let episode = try reader.episode(index)
        let path = (directory as NSString).appendingPathComponent(fileName(episode: index))
        let encoder = try write(episode, header: try reader.header(ofEpisode: index), to: path)
        return (path, episode.steps.count, encoder)
    }

    /// Writes `episode` as an MP4 at `path`; returns the encoder used ("libx264" or "mpeg4").
    @discardableResult
    public static func write(_ episode: EpisodeRecord, header: DatasetHeader, to path: String) throws -> String {
        guard !episode.steps.isEmpty else { throw DatasetError.badRecord("episode has no steps, so its video would have no frames") }
        let folder = (path as NSString).deletingLastPathComponent
        try DatasetError.writing { try DurableFile.makeFolder(folder.isEmpty ? "." : folder) }
        let size = frameSize(header: header, heightmap: episode.steps[0].observation.heightmap)
        let temporary = path + ".tmp-\(getpid()).mp4"
        let meta = episode.metadata
        let tags = ["title": meta.instruction,
                    "comment": "cliport \(meta.task) \(meta.split) seed \(meta.seed), \(episode.steps.count) steps, "
                        + (meta.success ? "success" : "failure") + "; pick magenta, place cyan"]
        do {
            let writer = try MP4Writer(path: temporary, width: size.width, height: size.height,
                                       framesPerSecond: framesPerSecond, metadata: tags)
            for t in episode.steps.indices {
                try writer.append(rgb: frame(episode, step: t, header: header, size: size))
            }
            try writer.finish()
            try DatasetError.writing { try DurableFile.commit(temporary, to: path) }
            return writer.encoder
        } catch let error as VideoError {
            unlink(temporary)
            if case let .failed(_, _, message, errno) = error {
                let full = errno == ENOSPC || errno == EDQUOT
                throw DatasetError.cannotWrite(path: path, reason: message, fix: full ? .freeSpace : .writableFolder)
            }
            throw DatasetError.cannotWrite(path: path, reason: error.description, fix: .checkFolder)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Width and height of the frames: the enlarged heightmap, then a column of camera tiles and the bar.
    public static func frameSize(header: DatasetHeader, heightmap: Heightmap) -> (width: Int, height: Int) {
        let s = DatasetViewer.markScale
        let column = header.cameras.count * cameraTile.height + barHeight + 2 * barMargin
        let width = heightmap.cols * s + cameraTile.width
        let height = max(heightmap.rows * s, column)
        return (width + width % 2, height + height % 2)
    }

    /// The RGB picture of step `t`.
    public static func frame(_ episode: EpisodeRecord, step t: Int, header: DatasetHeader, size: (width: Int, height: Int)) -> [UInt8] {
        var canvas = [UInt8](repeating: 24, count: size.width * size.height * 3)
        let step = episode.steps[t]
        let marked = DatasetViewer.annotated(step.observation.heightmap, action: step.action, rotationBins: header.rotationBins)
        if case let .rgb8(pixels) = marked.pixels {
            paste(pixels, width: marked.width, height: marked.height, into: &canvas, canvasWidth: size.width, x: 0, y: 0)
        }
        let left = marked.width
        for (k, camera) in step.observation.frames.enumerated() {
            let (tile, w, h) = shrink(camera, toFit: cameraTile)
            let x = left + (cameraTile.width - w) / 2, y = k * cameraTile.height + (cameraTile.height - h) / 2
            paste(tile, width: w, height: h, into: &canvas, canvasWidth: size.width, x: x, y: y)
        }
        // Progress bar: grey track, white fill up to this step.
        let barY = step.observation.frames.count * cameraTile.height + barMargin
        let filled = (cameraTile.width - 2 * barMargin) * (t + 1) / episode.steps.count
        for y in barY..<min(barY + barHeight, size.height) {
            for x in 0..<(cameraTile.width - 2 * barMargin) {
                let i = (y * size.width + left + barMargin + x) * 3
                let v: UInt8 = x < filled ? 235 : 80
                canvas[i] = v; canvas[i + 1] = v; canvas[i + 2] = v
            }
        }
        return canvas
    }

    static func paste(_ pixels: [UInt8], width: Int, height: Int, into canvas: inout [UInt8], canvasWidth: Int, x: Int, y: Int) {
        let canvasHeight = canvas.count / (canvasWidth * 3)
        for row in 0..<min(height, canvasHeight - y) {
            let src = row * width * 3, dst = ((y + row) * canvasWidth + x) * 3
            let n = min(width, canvasWidth - x) * 3
            canvas.replaceSubrange(dst..<(dst + n), with: pixels[src..<(src + n)])
        }
    }

    /// The camera's colour shrunk (area average) to fit `tile`, keeping its aspect ratio.
    static func shrink(_ frame: RGBDFrame, toFit tile: (width: Int, height: Int)) -> ([UInt8], Int, Int) {
        let scale = min(Double(tile.width) / Double(frame.width), Double(tile.height) / Double(frame.height), 1)
        let w = max(1, Int((Double(frame.width) * scale).rounded())), h = max(1, Int((Double(frame.height) * scale).rounded()))
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let y0 = y * frame.height / h, y1 = max(y0 + 1, (y + 1) * frame.height / h)
            for x in 0..<w {
                let x0 = x * frame.width / w, x1 = max(x0 + 1, (x + 1) * frame.width / w)
                var sum = SIMD3<Int>(0, 0, 0)
                for sy in y0..<y1 {
                    for sx in x0..<x1 {
                        let i = (sy * frame.width + sx) * 3
                        sum &+= SIMD3(Int(frame.color[i]), Int(frame.color[i + 1]), Int(frame.color[i + 2]))
                    }
                }
                let n = (y1 - y0) * (x1 - x0), o = (y * w + x) * 3
                out[o] = UInt8((sum.x + n / 2) / n); out[o + 1] = UInt8((sum.y + n / 2) / n); out[o + 2] = UInt8((sum.z + n / 2) / n)
            }
        }
        return (out, w, h)
    }
}
