import Foundation
import Geometry

/// The cameras' colour and depth images for the page, downsampled by a whole factor so each is at most
/// `maxWidth` wide. Colour is the mean of each block; depth is the block's centre sample (averaging would
/// blend "no depth" zeros and edges into depths that were never measured).
public enum CameraThumbnails {
    public static let maxWidth = 240

    public struct Layout: Codable, Equatable, Sendable {
        public var name: String
        public var width: Int
        public var height: Int
    }

    static func factor(_ c: CameraConfig) -> Int { max(1, (c.intrinsics.width + maxWidth - 1) / maxWidth) }

    public static func layout(_ cameras: [CameraConfig]) -> [Layout] {
        cameras.map { c in
            let f = factor(c)
            return Layout(name: c.name, width: c.intrinsics.width / f, height: c.intrinsics.height / f)
        }
    }

    /// Per camera in order: width x height x 3 colour bytes, then width x height little-endian Float32
    /// depths in metres (0 = no depth).
    public static func bytes(frames: [RGBDFrame], cameras: [CameraConfig]) -> Data {
        var data = Data()
        for (frame, camera) in zip(frames, cameras) {
            let f = factor(camera)
            let w = frame.width / f, h = frame.height / f
            var color = [UInt8](repeating: 0, count: w * h * 3)
            var depth = [Float](repeating: 0, count: w * h)
            for r in 0..<h {
                for c in 0..<w {
                    var sum = SIMD3<Int>(0, 0, 0)
                    for y in (r * f)..<(r * f + f) {
                        for x in (c * f)..<(c * f + f) {
                            let i = (y * frame.width + x) * 3
                            sum &+= SIMD3(Int(frame.color[i]), Int(frame.color[i + 1]), Int(frame.color[i + 2]))
                        }
                    }
                    let o = (r * w + c) * 3
                    color[o] = UInt8(sum.x / (f * f)); color[o + 1] = UInt8(sum.y / (f * f)); color[o + 2] = UInt8(sum.z / (f * f))
                    let d = frame.depth[(r * f + f / 2) * frame.width + c * f + f / 2]
                    depth[r * w + c] = d.isFinite && d > 0 ? d : 0
                }
            }
            data.append(contentsOf: color)
            depth.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }
}
