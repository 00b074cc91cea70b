import Foundation

/// The UR5's kinematics from its published Denavit-Hartenberg parameters (Universal Robots: d1 0.089159,
/// a2 -0.425, a3 -0.39225, d4 0.10915, d5 0.09465, d6 0.0823; alpha pi/2, 0, 0, pi/2, -pi/2, 0).
///
/// Frames: the DH base frame is the world frame (CLIPort loads ur5.urdf at the origin; its URDF turns
/// `base_link` by pi and the UR "Base" frame back by pi, so the DH base is the world, the arm reaching along
/// +x at the home pose); the last DH frame is the tool flange (the URDF's `tool0`). Joint angles are in
/// radians, in the URDF's joint order (shoulder pan, shoulder lift, elbow, wrist 1, 2, 3) and sign.
public enum UR5Kinematics {
    public static let d1 = 0.089159
    public static let a2 = -0.425
    public static let a3 = -0.39225
    public static let d4 = 0.10915
    public static let d5 = 0.09465
    public static let d6 = 0.0823
    static let d: [Double] = [d1, 0, 0, d4, d5, d6]
    static let a: [Double] = [0, a2, a3, 0, 0, 0]
    static let alpha: [Double] = [Double.pi / 2, 0, 0, Double.pi / 2, -Double.pi / 2, 0]

    /// CLIPort's home pose `homej`: (-1, -0.5, 0.5, -0.5, -0.5, 0) x pi, the tool pointing straight down.
    public static let home: [Double] = [-1, -0.5, 0.5, -0.5, -0.5, 0].map { $0 * Double.pi }

    /// Joint limits of ur5.urdf: +-2 pi for every joint but the elbow (+-pi).
    public static let limits: [ClosedRange<Double>] = [-2 * Double.pi...2 * Double.pi, -2 * Double.pi...2 * Double.pi,
                                                       -Double.pi...Double.pi, -2 * Double.pi...2 * Double.pi,
                                                       -2 * Double.pi...2 * Double.pi, -2 * Double.pi...2 * Double.pi]

    /// The transform of DH frame `i` in frame `i - 1` for joint angle `theta`: Rz(theta) Tz(d) Tx(a) Rx(alpha).
    public static func link(_ i: Int, _ theta: Double) -> RigidTransform {
        let ct = cos(theta), st = sin(theta), ca = cos(alpha[i]), sa = sin(alpha[i])
        return RigidTransform(rows: (SIMD3(ct, -st * ca, st * sa), SIMD3(st, ct * ca, -ct * sa), SIMD3(0, sa, ca)),
                              translation: SIMD3(a[i] * ct, a[i] * st, d[i]))
    }

    /// DH frames 1...6 in the world (the last is the flange).
    public static func frames(_ q: [Double]) -> [RigidTransform] {
        precondition(q.count == 6, "a UR5 has 6 joints")
        var t = RigidTransform.identity
        return (0..<6).map { i in t = t * link(i, q[i]); return t }
    }

    /// The flange pose for joint angles `q`.
    public static func forward(_ q: [Double]) -> RigidTransform { frames(q)[5] }

    /// One inverse-kinematics solution and its branch: 4 x shoulder (0: the +acos root of joint 1) + 2 x wrist
    /// (0: joint 5 = +acos) + elbow (0: joint 3 = +acos). A branch is one continuous family of postures.
    public struct Solution: Equatable, Sendable {
        public var branch: Int
        public var joints: [Double]
    }

    /// The branch of the home pose (shoulder 0, wrist 1, elbow 0): elbow up, wrist pointing down, the arm
    /// reaching forward over the table.
    public static let homeBranch = 2

    /// Every joint solution (up to 8: shoulder left/right x wrist up/down x elbow up/down) that puts the flange
    /// at `flange`, angles in (-pi, pi]; empty when the pose is out of reach. The closed form of Hawkins,
    /// "Analytic inverse kinematics for the Universal Robots UR-5/UR-10 arms" (2013): joint 1 from the wrist
    /// centre, joint 5 from the flange height along joint 1's normal, joint 6 from the flange axes, and
    /// joints 2-4 from the planar three-link chain that is left. At the wrist singularity (joint 5 = 0 or pi,
    /// joints 1 and 6 parallel) joint 6 is free; `wristSingularAngle` is used for it.
    public static func inverse(_ flange: RigidTransform, wristSingularAngle: Double = 0) -> [Solution] {
        let tolerance = 1e-9
        let p = flange.translation
        let p05 = p - d6 * flange.axis(2)
        let r = (p05.x * p05.x + p05.y * p05.y).squareRoot()
        guard r >= d4 - tolerance, r > 0 else { return [] }
        let psi = atan2(p05.y, p05.x), phi = acos(min(1, d4 / r))
        var solutions: [Solution] = []
        for (shoulder, t1) in [psi + phi + Double.pi / 2, psi - phi + Double.pi / 2].enumerated() {
            let s1 = sin(t1), c1 = cos(t1)
            let c5 = (p.x * s1 - p.y * c1 - d4) / d6
            guard abs(c5) <= 1 + tolerance else { continue }
            let a5 = acos(max(-1, min(1, c5)))
            for (wrist, t5) in [a5, -a5].enumerated() {
                let s5 = sin(t5)
                let t6: Double
                if abs(s5) < 1e-12 {
                    t6 = wristSingularAngle
                } else {
                    t6 = atan2((-flange[0, 1] * s1 + flange[1, 1] * c1) / s5, (flange[0, 0] * s1 - flange[1, 0] * c1) / s5)
                }
                let t14 = link(0, t1).inverse * flange * link(5, t6).inverse * link(4, t5).inverse
                let px = t14.translation.x, py = t14.translation.y
                let c3 = (px * px + py * py - a2 * a2 - a3 * a3) / (2 * a2 * a3)
                guard abs(c3) <= 1 + tolerance else { continue }
                let a3Angle = acos(max(-1, min(1, c3)))
                for (elbow, t3) in [a3Angle, -a3Angle].enumerated() {
                    let t2 = atan2(py, px) - atan2(a3 * sin(t3), a2 + a3 * cos(t3))
                    let t34 = (link(1, t2) * link(2, t3)).inverse * t14
                    let t4 = atan2(t34[1, 0], t34[0, 0])
                    solutions.append(Solution(branch: 4 * shoulder + 2 * wrist + elbow, joints: [t1, t2, t3, t4, t5, t6].map(wrapped)))
                }
            }
        }
        return solutions
    }

    /// The solution for `flange` in the home pose's branch (elbow up, wrist down, as CLIPort's IK keeps the
    /// arm by its rest pose), or, where that branch cannot reach, the solution closest to `reference` (sum of
    /// squared joint differences); each angle taken as the turn (plus or minus 2 pi) nearest its reference
    /// within the joint limits, so wrist 3 follows the tool's yaw without jumps. Nil when out of reach.
    public static func nearestSolution(_ flange: RigidTransform, to reference: [Double]) -> [Double]? {
        let all = inverse(flange, wristSingularAngle: reference[5])
        let home = all.filter { $0.branch == homeBranch }
        var best: (q: [Double], cost: Double)?
        for solution in home.isEmpty ? all : home {
            let q = (0..<6).map { nearestTurn(solution.joints[$0], to: reference[$0], within: limits[$0]) }
            let cost = zip(q, reference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            if best == nil || cost < best!.cost { best = (q, cost) }
        }
        return best?.q
    }

    /// `angle` plus the multiple of 2 pi that brings it closest to `reference` while staying in `limits`.
    static func nearestTurn(_ angle: Double, to reference: Double, within limits: ClosedRange<Double>) -> Double {
        let turn = 2 * Double.pi
        var q = angle + turn * ((reference - angle) / turn).rounded()
        if q > limits.upperBound { q -= turn }
        if q < limits.lowerBound { q += turn }
        return q
    }

    /// `angle` in (-pi, pi].
    static func wrapped(_ angle: Double) -> Double {
        var q = angle.truncatingRemainder(dividingBy: 2 * Double.pi)
        if q > Double.pi { q -= 2 * Double.pi }
        if q <= -Double.pi { q += 2 * Double.pi }
        return q
    }
}
