import Foundation

/// A line chart as SVG text: training loss per logged step and validation loss at the steps that have it,
/// on axes from the first to the last step and over the values' range padded by 5% (CLIPort's mean losses
/// are around 1e-4, so an axis from 0 would flatten them into one line). Long runs are thinned to at
/// most `maxPoints` points per line (the last point always kept).
struct LossChart {
    struct Series {
        var name: String
        var cssClass: String
        var points: [(x: Double, y: Double)]
        var dots: Bool
    }

    static let width = 720.0, height = 300.0
    static let margin = (left: 76.0, right: 16.0, top: 16.0, bottom: 36.0)
    static let maxPoints = 1000

    var series: [Series]
    var yLabel: String

    var xRange: ClosedRange<Double> {
        let xs = series.flatMap { $0.points.map(\.x) }
        guard let lo = xs.min(), let hi = xs.max() else { return 0...1 }
        return lo < hi ? lo...hi : (lo - 1)...(hi + 1)
    }

    var yRange: ClosedRange<Double> {
        let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        guard let lo = ys.min(), let hi = ys.max() else { return 0...1 }
        let pad = hi > lo ? (hi - lo) * 0.05 : max(abs(hi) * 0.05, 1e-9)
        return (lo - pad)...(hi + pad)
    }

    func px(_ x: Double) -> Double {
        let r = xRange, m = Self.margin
        return m.left + (x - r.lowerBound) / (r.upperBound - r.lowerBound) * (Self.width - m.left - m.right)
    }

    func py(_ y: Double) -> Double {
        let r = yRange, m = Self.margin
        return Self.height - m.bottom - (min(max(y, r.lowerBound), r.upperBound) - r.lowerBound) / (r.upperBound - r.lowerBound) * (Self.height - m.top - m.bottom)
    }

    static func thinned(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        guard points.count > maxPoints else { return points }
        let stride = (points.count + maxPoints - 1) / maxPoints
        var kept = Swift.stride(from: 0, to: points.count, by: stride).map { points[$0] }
        if kept.last?.x != points.last?.x { kept.append(points[points.count - 1]) }
        return kept
    }

    var svg: String {
        let m = Self.margin
        var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" "
            + "width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\">"
        out += "<rect x=\"\(m.left)\" y=\"\(m.top)\" width=\"\(Self.width - m.left - m.right)\" height=\"\(Self.height - m.top - m.bottom)\" class=\"plot\"/>"
        for k in 0...4 {
            let y = yRange.lowerBound + Double(k) / 4 * (yRange.upperBound - yRange.lowerBound)
            out += "<line class=\"grid\" x1=\"\(m.left)\" x2=\"\(Self.width - m.right)\" y1=\"\(f(py(y)))\" y2=\"\(f(py(y)))\"/>"
            out += "<text class=\"tick\" x=\"\(m.left - 6)\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(Self.label(y))</text>"
            let x = xRange.lowerBound + Double(k) / 4 * (xRange.upperBound - xRange.lowerBound)
            out += "<text class=\"tick\" x=\"\(f(px(x)))\" y=\"\(Self.height - m.bottom + 16)\" text-anchor=\"middle\">\(Int(x.rounded()))</text>"
        }
        out += "<text class=\"axis\" x=\"\(f((Self.width + m.left) / 2))\" y=\"\(Self.height - 4)\" text-anchor=\"middle\">step</text>"
        out += "<text class=\"axis\" x=\"12\" y=\"\(f(Self.height / 2))\" transform=\"rotate(-90 12 \(f(Self.height / 2)))\" text-anchor=\"middle\">\(yLabel)</text>"
        for s in series where !s.points.isEmpty {
            let points = Self.thinned(s.points)
            out += "<polyline class=\"\(s.cssClass)\" data-name=\"\(s.name)\" data-count=\"\(points.count)\" fill=\"none\" points=\""
                + points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ") + "\"/>"
            if s.dots {
                for p in points { out += "<circle class=\"\(s.cssClass)\" cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\"/>" }
            }
        }
        var legendX = m.left + 8
        for s in series where !s.points.isEmpty {
            out += "<line class=\"\(s.cssClass)\" x1=\"\(legendX)\" x2=\"\(legendX + 18)\" y1=\"\(m.top + 12)\" y2=\"\(m.top + 12)\"/>"
            out += "<text class=\"legend\" x=\"\(legendX + 22)\" y=\"\(m.top + 16)\">\(s.name)</text>"
            legendX += 30 + Double(s.name.count) * 7
        }
        return out + "</svg>"
    }

    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Three significant digits, so ticks of a 1e-4 loss differ.
    static func label(_ v: Double) -> String { String(format: "%.3g", v) }
}
