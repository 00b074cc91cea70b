import Foundation
import Geometry
import PNG

/// Writes PNGs of one episode for looking at: per step, each camera's colour, its depth to look at (8-bit:
/// the nearest depth the camera saw in the episode white, the farthest dark grey, no depth black; the same
/// scale on every step) and to measure (16-bit, mm, which viewers show as nearly black), the heightmap colour, the heightmap height (8-bit, 0 = floor, 255 = top of the workspace), and the
/// heightmap colour enlarged 3x with the pick (magenta circle) and place (cyan circle, with a tick along
/// the rotation bin's angle, bin x 360/bins degrees from +x towards +y) marked. The final observation
/// gets the same pictures without marks.
public enum DatasetViewer {
    public static let pickColor = SIMD3<UInt8>(255, 0, 255)
    public static let placeColor = SIMD3<UInt8>(0, 255, 255)
    public static let markScale = 3
    /// Grey of the farthest depth in the visible depth picture (0 is kept for "no depth").
    public static let farthestDepthGrey = 48

    /// The visible depth picture: `near` white, `far` `farthestDepthGrey`, no depth (0) black.
    public static func visibleDepth(_ depth: [Float], near: Float, far: Float) -> [UInt8] {
        let span = Double(max(far - near, 1e-6)), darkest = Double(farthestDepthGrey)
        return depth.map { d in
            guard d > 0 else { return 0 }
            let t = min(max(Double(d - near) / span, 0), 1)
            return UInt8((255 - t * (255 - darkest)).rounded())
        }
    }

    /// Reads episode `index` and writes its pictures into `directory`; returns the written paths.
    @discardableResult
    public static func view(reader: DatasetReader, episode index: Int, to directory: String) throws -> [String] {
        try write(try reader.episode(index), header: try reader.header(ofEpisode: index), to: directory)
    }

    @discardableResult
    public static func write(_ episode: EpisodeRecord, header: DatasetHeader, to directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.cannotWrite(path: directory, reason: "cannot create the folder (\(error.localizedDescription))",
                                           fix: .writableFolder)
        }
        var written: [String] = []
        func save(_ image: PNGImage, _ name: String) throws {
            let path = (directory as NSString).appendingPathComponent(name)
            try image.write(to: path, fast: true)
            written.append(path)
        }
        let observations = episode.steps.enumerated().map { (String(format: "step%02d", $0.offset), $0.element.observation) }
            + [("final", episode.finalObservation)]
        // Per camera, the depth range over the whole episode, so that a step's picture compares with the next.
        var ranges = [(near: Float, far: Float)](repeating: (.infinity, 0), count: header.cameras.count)
        for (_, o) in observations {
            for (c, frame) in o.frames.prefix(ranges.count).enumerated() {
                for d in frame.depth where d > 0 { ranges[c] = (min(ranges[c].near, d), max(ranges[c].far, d)) }
            }
        }
        for (t, (prefix, o)) in observations.enumerated() {
            for (c, (frame, camera)) in zip(o.frames, header.cameras).enumerated() {
                try save(PNGImage(width: frame.width, height: frame.height, pixels: .rgb8(frame.color)), "\(prefix)_\(camera.name)_rgb.png")
                let visible = visibleDepth(frame.depth, near: ranges[c].near, far: ranges[c].far)
                try save(PNGImage(width: frame.width, height: frame.height, pixels: .gray8(visible)), "\(prefix)_\(camera.name)_depth.png")
                let mm = frame.depth.map { d -> UInt16 in d > 0 ? UInt16(min((Double(d) * 1000).rounded(), 65535)) : 0 }
                try save(PNGImage(width: frame.width, height: frame.height, pixels: .gray16(mm)), "\(prefix)_\(camera.name)_depth_mm.png")
            }
            let hm = o.heightmap
            try save(PNGImage(width: hm.cols, height: hm.rows, pixels: .rgb8(hm.color)), "\(prefix)_heightmap_rgb.png")
            let top = header.workspace.zRange.upperBound - header.workspace.zRange.lowerBound
            let gray = hm.height.map { UInt8(max(0, min(255, (Double($0) / top * 255).rounded()))) }
            try save(PNGImage(width: hm.cols, height: hm.rows, pixels: .gray8(gray)), "\(prefix)_heightmap_height.png")
            if t < episode.steps.count {
                try save(annotated(hm, action: episode.steps[t].action, rotationBins: header.rotationBins), "\(prefix)_actions.png")
            }
        }
        return written
    }

    /// The heightmap colour enlarged `markScale` times with pick and place marked.
    public static func annotated(_ heightmap: Heightmap, action: ActionRecord, rotationBins: Int) -> PNGImage {
        let s = markScale
        let w = heightmap.cols * s, h = heightmap.rows * s
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let src = ((y / s) * heightmap.cols + x / s) * 3
                let dst = (y * w + x) * 3
                pixels[dst] = heightmap.color[src]; pixels[dst + 1] = heightmap.color[src + 1]; pixels[dst + 2] = heightmap.color[src + 2]
            }
        }
        func plot(_ x: Int, _ y: Int, _ c: SIMD3<UInt8>) {
            guard x >= 0, x < w, y >= 0, y < h else { return }
            let i = (y * w + x) * 3
            pixels[i] = c.x; pixels[i + 1] = c.y; pixels[i + 2] = c.z
        }
        func centre(_ p: Pixel) -> (Double, Double) { (Double(p.col * s) + Double(s) / 2, Double(p.row * s) + Double(s) / 2) }
        func circle(_ p: Pixel, _ c: SIMD3<UInt8>) {
            let (cx, cy) = centre(p)
            let radius = 4.0 * Double(s)
            for y in Int(cy - radius - 2)...Int(cy + radius + 2) {
                for x in Int(cx - radius - 2)...Int(cx + radius + 2) {
                    let d = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
                    if abs(d - radius) <= 1.2 { plot(x, y, c) }
                }
            }
        }
        circle(action.pickPixel, pickColor)
        circle(action.placePixel, placeColor)
        let angle = Double(action.rotationBin) * 2 * .pi / Double(max(rotationBins, 1))
        let (cx, cy) = centre(action.placePixel)
        for step in 0...(8 * s * 2) {
            let r = Double(step) / 2
            let x = Int((cx + r * cos(angle)).rounded()), y = Int((cy + r * sin(angle)).rounded())
            plot(x, y, placeColor); plot(x + 1, y, placeColor); plot(x, y + 1, placeColor)
        }
        return PNGImage(width: w, height: h, pixels: .rgb8(pixels))
    }
}
