import Foundation

// A feasibility prototype for issue #21 (not part of the package): how fast would our own CPU rasteriser draw a
// put-block-in-bowl observation, against MuJoCo + llvmpipe's 24.5 ms CPU per observation (docs/benchmarks.md)?
// It draws a scene of the same make (a white floor and the grey workspace, 4 bowls of 1,280 triangles, 3 blocks,
// 20 arm prisms of 60 triangles; 6,486 triangles) for the 3 cameras at 640 x 480 with per-vertex lighting (ambient,
// a directional light, a spot light) and the spot's 512 x 512 shadow map, z-buffered, to RGB8 and depth, on one
// thread, in plain scalar Swift (span rasterisation, perspective-correct plane-equation interpolation). It is a
// measurement, not a renderer: no textures, no round primitives, no exact match to MuJoCo's pictures.
//
//   swiftc -Ounchecked scripts/prototypes/cpu-rasteriser.swift -o /tmp/cpu-rasteriser && /tmp/cpu-rasteriser
//
// prints the CPU milliseconds per observation drawn back to front and front to back, and writes the front
// camera's picture to /tmp/cpu-rasteriser-front.ppm.
typealias V3 = SIMD3<Float>
struct Mesh { var v: [V3]; var n: [V3]; var tri: [SIMD3<Int32>]; var albedo: V3 }

func normalize(_ a: V3) -> V3 { a / (a * a).sum().squareRoot() }
func cross(_ a: V3, _ b: V3) -> V3 { V3(a.y*b.z - a.z*b.y, a.z*b.x - a.x*b.z, a.x*b.y - a.y*b.x) }
func dot(_ a: V3, _ b: V3) -> Float { (a * b).sum() }

func quad(_ c: V3, _ hx: Float, _ hy: Float, _ albedo: V3, grid: Int) -> Mesh {
    var v: [V3] = [], n: [V3] = [], t: [SIMD3<Int32>] = []
    for j in 0...grid { for i in 0...grid {
        v.append(c + V3(-hx + 2*hx*Float(i)/Float(grid), -hy + 2*hy*Float(j)/Float(grid), 0)); n.append(V3(0,0,1)) } }
    for j in 0..<grid { for i in 0..<grid {
        let a = Int32(j*(grid+1)+i), b = a+1, c2 = a+Int32(grid+1), d = c2+1
        t.append(SIMD3(a,b,d)); t.append(SIMD3(a,d,c2)) } }
    return Mesh(v: v, n: n, tri: t, albedo: albedo)
}
func box(_ c: V3, _ h: V3, _ albedo: V3) -> Mesh {
    var v: [V3] = [], n: [V3] = [], t: [SIMD3<Int32>] = []
    let axes: [(V3, V3, V3)] = [(V3(1,0,0),V3(0,1,0),V3(0,0,1)),(V3(-1,0,0),V3(0,0,1),V3(0,1,0)),(V3(0,1,0),V3(0,0,1),V3(1,0,0)),
                                (V3(0,-1,0),V3(1,0,0),V3(0,0,1)),(V3(0,0,1),V3(1,0,0),V3(0,1,0)),(V3(0,0,-1),V3(0,1,0),V3(1,0,0))]
    for (nn, u, w) in axes {
        let base = Int32(v.count)
        for (su, sw) in [(-1,-1),(1,-1),(1,1),(-1,1)] as [(Float,Float)] {
            v.append(c + (nn + u*su + w*sw) * h); n.append(nn) }
        t.append(SIMD3(base, base+1, base+2)); t.append(SIMD3(base, base+2, base+3))
    }
    return Mesh(v: v, n: n, tri: t, albedo: albedo)
}
// bowl: open hemispherical shell, inside and outside, 16 segments x 20 rings x 2 sides x 2 = 1280 tris
func bowl(_ c: V3, _ r: Float, _ albedo: V3) -> Mesh {
    var v: [V3] = [], n: [V3] = [], t: [SIMD3<Int32>] = []
    let seg = 16, ring = 20
    for side in 0..<2 {
        let rr = side == 0 ? r : r * 0.95, sgn: Float = side == 0 ? 1 : -1
        let base = Int32(v.count)
        for j in 0...ring { for i in 0..<seg {
            let th = Float.pi/2 * Float(j)/Float(ring), ph = 2*Float.pi*Float(i)/Float(seg)
            let d = V3(sin(th)*cos(ph), sin(th)*sin(ph), -cos(th))
            v.append(c + V3(0,0,r) + d*rr); n.append(d*sgn) } }
        for j in 0..<ring { for i in 0..<seg {
            let a = base + Int32(j*seg+i), b = base + Int32(j*seg+(i+1)%seg), c2 = a+Int32(seg), d = b+Int32(seg)
            if side == 0 { t.append(SIMD3(a,d,b)); t.append(SIMD3(a,c2,d)) } else { t.append(SIMD3(a,b,d)); t.append(SIMD3(a,d,c2)) } } }
    }
    return Mesh(v: v, n: n, tri: t, albedo: albedo)
}
func prism(_ c: V3, _ r: Float, _ hh: Float, _ albedo: V3) -> Mesh { // 16-gon prism: 60 tris
    var v: [V3] = [], n: [V3] = [], t: [SIMD3<Int32>] = []
    let k = 16
    for i in 0..<k { let a = 2*Float.pi*Float(i)/Float(k); let d = V3(cos(a), sin(a), 0)
        v.append(c + d*r + V3(0,0,-hh)); n.append(d); v.append(c + d*r + V3(0,0,hh)); n.append(d) }
    for i in 0..<k { let a = Int32(2*i), b = Int32(2*((i+1)%k)); t.append(SIMD3(a,b,b+1)); t.append(SIMD3(a,b+1,a+1)) }
    for cap in 0..<2 { let z: Float = cap == 0 ? -hh : hh; let base = Int32(v.count)
        for i in 0..<k { let a = 2*Float.pi*Float(i)/Float(k); v.append(c + V3(cos(a)*r, sin(a)*r, z)); n.append(V3(0,0,cap == 0 ? -1 : 1)) }
        for i in 1..<(k-1) { if cap == 1 { t.append(SIMD3(base, base+Int32(i), base+Int32(i+1))) } else { t.append(SIMD3(base, base+Int32(i+1), base+Int32(i))) } } }
    return Mesh(v: v, n: n, tri: t, albedo: albedo)
}

struct M4 { var c: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
    func mul(_ p: V3) -> SIMD4<Float> { c.0 * p.x + c.1 * p.y + c.2 * p.z + c.3 } }
// view-projection for a pinhole camera looking from eye to target, OpenGL-style clip, focal f pixels
func camera(eye: V3, target: V3, up: V3, f: Float, w: Int, h: Int) -> M4 {
    let z = normalize(target - eye), x = normalize(cross(z, up)), y = cross(z, x) // x right, y down, z forward
    // pixel coords: u = f*xc/zc + w/2, v = f*yc/zc + h/2 ; store clip as (f*xc + w/2*zc, f*yc + h/2*zc, depth-ish, zc)
    let t = -V3(dot(x, eye), dot(y, eye), dot(z, eye))
    // columns: contribution of world x, y, z, 1
    var cols: [SIMD4<Float>] = []
    for k in 0..<4 {
        let xc = k < 3 ? x[k] : t.x, yc = k < 3 ? y[k] : t.y, zc = k < 3 ? z[k] : t.z
        cols.append(SIMD4(f*xc + Float(w)/2*zc, f*yc + Float(h)/2*zc, zc, zc))
    }
    return M4(c: (cols[0], cols[1], cols[2], cols[3]))
}

let W = 640, H = 480
final class Target { var color: [UInt8]; var depth: [Float]; let w: Int; let h: Int
    init(w: Int, h: Int) { self.w = w; self.h = h; color = [UInt8](repeating: 0, count: w*h*3); depth = [Float](repeating: 0, count: w*h) } }

let towardLight = normalize(V3(-50, 30, 100))
let spotPos = towardLight * 2
let ambient: Float = 0.6, d1: Float = 0.3056, d2: Float = 0.0959

struct ClipVert { var p: SIMD4<Float>; var l1: Float; var s: Float; var lp: SIMD4<Float> }

@inline(__always) func rasterTriangle(_ a: ClipVert, _ b: ClipVert, _ c: ClipVert, albedo: V3, target: Target, shadow: UnsafePointer<Float>?, sm: Int, depthOnly: Bool) {
    let ia = 1 / a.p.w, ib = 1 / b.p.w, ic = 1 / c.p.w
    let ax = a.p.x*ia, ay = a.p.y*ia, bx = b.p.x*ib, by = b.p.y*ib, cx = c.p.x*ic, cy = c.p.y*ic
    let area = (bx-ax)*(cy-ay) - (by-ay)*(cx-ax)
    if area >= 0 { return }
    let w = target.w, h = target.h
    let minY = max(0, Int((min(ay, by, cy) - 0.5).rounded(.up))), maxY = min(h-1, Int((max(ay, by, cy) - 0.5).rounded(.down)))
    let minXb = max(0, Int((min(ax, bx, cx) - 0.5).rounded(.up))), maxXb = min(w-1, Int((max(ax, bx, cx) - 0.5).rounded(.down)))
    if minXb > maxXb || minY > maxY { return }
    // plane gradients of an attribute given its values at a, b, c (already divided by w)
    let inv = 1 / area
    func plane(_ fa: Float, _ fb: Float, _ fc: Float) -> SIMD3<Float> {  // (d/dx, d/dy, value at 0,0)
        let dx = ((fb - fa)*(cy - ay) - (fc - fa)*(by - ay)) * inv
        let dy = ((fc - fa)*(bx - ax) - (fb - fa)*(cx - ax)) * inv
        return SIMD3(dx, dy, fa - dx*ax - dy*ay)
    }
    let pw = plane(ia, ib, ic)
    let pl1 = plane(a.l1*ia, b.l1*ib, c.l1*ic), ps = plane(a.s*ia, b.s*ib, c.s*ic)
    let plx = plane(a.lp.x*ia, b.lp.x*ib, c.lp.x*ic), ply = plane(a.lp.y*ia, b.lp.y*ib, c.lp.y*ic), plw = plane(a.lp.w*ia, b.lp.w*ib, c.lp.w*ic)
    // edges: inside where e_i(x, y) <= 0 for all i (negative area winding), e_i linear: e = ex*x + ey*y + e0
    // Edge p -> q: e(x, y) = (q - p) x (pt - p) = (qx - px)(y - py) - (qy - py)(x - px).
    func edge(_ px: Float, _ py: Float, _ qx: Float, _ qy: Float) -> (Float, Float, Float) {
        (py - qy, qx - px, (qy - py)*px - (qx - px)*py)
    }
    let edges = [edge(bx, by, cx, cy), edge(cx, cy, ax, ay), edge(ax, ay, bx, by)]
    let r255 = albedo * 255
    target.depth.withUnsafeMutableBufferPointer { dbuf in
    target.color.withUnsafeMutableBufferPointer { cbuf in
    for y in minY...maxY {
        let fy = Float(y) + 0.5
        var lo = Float(minXb) + 0.5, hi = Float(maxXb) + 0.5
        for (ex, ey, e0) in edges {
            let c0 = ey*fy + e0  // ex*x + c0 <= 0
            if ex > 0 { hi = min(hi, -c0/ex) } else if ex < 0 { lo = max(lo, -c0/ex) } else if c0 > 0 { lo = 1; hi = 0 }
        }
        if lo > hi { continue }
        let x0 = Int((lo - 0.5).rounded(.up)), x1 = Int((hi - 0.5).rounded(.down))
        if x0 > x1 { continue }
        let fx = Float(x0) + 0.5
        var iw = pw.x*fx + pw.y*fy + pw.z
        let row = y * w
        if depthOnly {
            for x in x0...x1 { if iw > dbuf[row + x] { dbuf[row + x] = iw }; iw += pw.x }
            continue
        }
        var l1 = pl1.x*fx + pl1.y*fy + pl1.z, s = ps.x*fx + ps.y*fy + ps.z
        var lx = plx.x*fx + plx.y*fy + plx.z, ly = ply.x*fx + ply.y*fy + ply.z, lw = plw.x*fx + plw.y*fy + plw.z
        for x in x0...x1 {
            if iw > dbuf[row + x] {
                dbuf[row + x] = iw
                let z = 1 / iw
                var lum = l1 * z
                if let shadow {
                    let wl = lw * z, r = 1 / lw
                    let u = Int(lx * r), v = Int(ly * r)
                    let lit = !(u >= 0 && u < sm && v >= 0 && v < sm && 1 / shadow[v*sm+u] < wl - 0.005)
                    if lit { lum += s * z }
                } else { lum += s * z }
                let o = 3 * (row + x)
                cbuf[o] = UInt8(min(255, r255.x * lum)); cbuf[o+1] = UInt8(min(255, r255.y * lum)); cbuf[o+2] = UInt8(min(255, r255.z * lum))
            }
            iw += pw.x; l1 += pl1.x; s += ps.x; lx += plx.x; ly += ply.x; lw += plw.x
        }
    }
    }}
}

func render(_ meshes: [Mesh], view: M4, light: M4?, target: Target, shadow: UnsafePointer<Float>?, sm: Int, depthOnly: Bool, near: Float) {
    for i in 0..<target.depth.count { target.depth[i] = 0 }  // stores 1/z: larger is nearer
    if !depthOnly { for i in 0..<target.color.count { target.color[i] = 0 } }
    var verts: [ClipVert] = []
    for m in meshes {
        verts.removeAll(keepingCapacity: true)
        for (p, n) in zip(m.v, m.n) {
            let l1 = ambient + d1 * max(0, dot(n, towardLight))
            let s = d2 * max(0, dot(n, normalize(spotPos - p)))
            verts.append(ClipVert(p: view.mul(p), l1: l1, s: s, lp: light?.mul(p) ?? .zero))
        }
        for t in m.tri {
            var poly = [verts[Int(t.x)], verts[Int(t.y)], verts[Int(t.z)]]
            if poly.contains(where: { $0.p.w < near }) {
                // clip against w = near
                var out: [ClipVert] = []
                for i in 0..<poly.count {
                    let p = poly[i], q = poly[(i+1)%poly.count]
                    let pin = p.p.w >= near, qin = q.p.w >= near
                    if pin { out.append(p) }
                    if pin != qin {
                        let tt = (near - p.p.w) / (q.p.w - p.p.w)
                        out.append(ClipVert(p: p.p + (q.p - p.p)*tt, l1: p.l1 + (q.l1-p.l1)*tt, s: p.s + (q.s-p.s)*tt, lp: p.lp + (q.lp - p.lp)*tt))
                    }
                }
                poly = out
                if poly.count < 3 { continue }
            }
            for i in 1..<(poly.count-1) {
                rasterTriangle(poly[0], poly[i], poly[i+1], albedo: m.albedo, target: target, shadow: shadow, sm: sm, depthOnly: depthOnly)
            }
        }
    }
}

var scene: [Mesh] = []
scene.append(quad(V3(0,0,0), 4, 4, V3(1,1,1), grid: 8))
scene.append(quad(V3(0.5,0,0.0002), 0.25, 0.5, V3(0.2,0.2,0.2), grid: 1))
for (i, p) in [V3(0.4,-0.2,0), V3(0.6,0.25,0), V3(0.35,0.3,0), V3(0.65,-0.3,0)].enumerated() { scene.append(bowl(p, 0.08, V3(0.3+0.1*Float(i),0.5,0.7))) }
for p in [V3(0.5,0,0.02), V3(0.45,0.1,0.02), V3(0.6,-0.1,0.02)] { scene.append(box(p, V3(0.02,0.02,0.02), V3(0.9,0.2,0.2))) }
for i in 0..<20 { scene.append(prism(V3(0.0 + 0.01*Float(i), 0.0, 0.3 + 0.02*Float(i)), 0.04, 0.05, V3(0.7,0.7,0.7))) }
print("triangles:", scene.reduce(0) { $0 + $1.tri.count })

let cams = [camera(eye: V3(1.5,0,0.75), target: V3(0.5,0,0), up: V3(0,0,1), f: 450, w: W, h: H),
            camera(eye: V3(0,0.5,0.75), target: V3(0.5,0,0), up: V3(0,0,1), f: 450, w: W, h: H),
            camera(eye: V3(0,-0.5,0.75), target: V3(0.5,0,0), up: V3(0,0,1), f: 450, w: W, h: H)]
let SM = 512
let smFocal = Float(SM)/2 / tan(20 * Float.pi / 180)
let lightCam = camera(eye: spotPos, target: V3(0.5,0,0), up: V3(0,0,1), f: smFocal, w: SM, h: SM)
let smTarget = Target(w: SM, h: SM)
let targets = cams.map { _ in Target(w: W, h: H) }
func observe() {
    render(scene, view: lightCam, light: nil, target: smTarget, shadow: nil, sm: SM, depthOnly: true, near: 0.01)
    smTarget.depth.withUnsafeBufferPointer { shadow in
        for (c, t) in zip(cams, targets) { render(scene, view: c, light: lightCam, target: t, shadow: shadow.baseAddress, sm: SM, depthOnly: false, near: 0.01) }
    }
}
func cpuSeconds() -> Double { var t = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9 }
for order in ["back to front (floor first)", "front to back (floor last)"] {
    observe()
    let t0 = cpuSeconds(), n = 40
    for _ in 0..<n { observe() }
    print(String(format: "%.2f ms CPU per observation (3 cameras + shadow map), %@", (cpuSeconds() - t0) / Double(n) * 1000, order))
    if order.hasPrefix("back") {
        var ppm = "P6\n\(W) \(H)\n255\n".data(using: .ascii)!; ppm.append(contentsOf: targets[0].color)
        try! ppm.write(to: URL(fileURLWithPath: "/tmp/cpu-rasteriser-front.ppm"))
    }
    scene.reverse()
}
