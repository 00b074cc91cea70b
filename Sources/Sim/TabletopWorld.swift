import Foundation
import Geometry
import MuJoCo

/// What a pick-place attempt did.
public struct PickPlaceOutcome: Equatable, Sendable {
    /// The object the suction attached, if any.
    public var grasped: String?
    /// The object touched something at the place location and was released there.
    public var placedOnContact: Bool
    /// Physics steps of the pick descent, the place descent and the final settling.
    public var pickDescentSteps = 0
    public var placeDescentSteps = 0
    public var settleSteps = 0

    public init(grasped: String?, placedOnContact: Bool) {
        self.grasped = grasped; self.placedOnContact = placedOnContact
    }
}

/// The result of letting the world come to rest.
public struct SettleOutcome: Equatable, Sendable {
    public var steps: Int
    public var maxSpeed: Double
}

/// A live tabletop: a `Scene` compiled into MuJoCo, with the suction cup and CLIPort's motion primitive.
///
/// Motion model (fast, with CLIPort's contact semantics): through free space the cup, and an object it
/// holds, are moved kinematically (no physics steps are needed while nothing else moves); the last few
/// centimetres of each descent are simulated at 1 mm per physics step until a contact is detected, with
/// the held object carried by its weld constraint. After release the world is stepped until static.
///
/// The UR5 follows the tool kinematically: every pose given to the tool body (the cup, or the spatula in
/// push tasks) goes through `setMocapPose`, which solves the arm's joints so that its flange carries the
/// tool and, when the look draws the arm, moves the six link bodies (a closed-form IK and six mocap writes,
/// no physics). The arm starts at CLIPort's home pose; like CLIPort, it does not go home between steps, so
/// each step's observation shows it where the primitive's last move left it (CLIPort's `step` renders after
/// the primitive's final `movep`, 0.32 m above the place or, if nothing was picked, above the pick; 0.31 m
/// above the push's end) and only the reset observation shows the home pose.
public final class TabletopWorld {
    public let scene: Scene
    public let simulation: MuJoCoSimulation
    public var timing = SimTiming()

    let objectBodies: [Int]
    let cupBody: Int
    /// The body the arm carries: the cup, or the spatula in push tasks.
    let toolBody: Int
    /// The drawn links' mocap bodies (shoulder ... wrist 3); empty when the look does not draw the arm.
    let armLinkBodies: [Int]
    /// The arm's joints and tool; its joints are recorded with every observation in every look.
    public private(set) var arm: UR5Arm
    /// Weld equality per object (nil for fixed objects).
    let welds: [Int?]
    var heldObject: Int?
    /// The cup tip's collision bits, saved while it holds an object (see `activateSuction`).
    private var heldTipBits: (contype: Int, conaffinity: Int)?

    /// CLIPort's `PickPlace(height=0.32)`.
    public static let approachHeight = 0.32
    /// Slow descent speed: CLIPort's 1 mm per step.
    public static let slowStep = 0.001
    /// Start the slow part of the pick descent this far above the pick point (the surface height there is
    /// known from the heightmap, so contact is expected at the pick point).
    public static let pickSlowZone = 0.015
    /// Start the slow part of the place descent this far above the place pose (the held object touches
    /// at or above it).
    public static let placeSlowZone = 0.03
    /// Give up a descent this far below the expected contact.
    public static let overshoot = 0.04
    /// CLIPort's `is_static` speed threshold.
    public static let staticSpeed = 5e-3

    public init(scene: Scene, builder: MJCFBuilder = MJCFBuilder()) throws {
        var seen = Set<String>()
        for o in scene.objects {
            guard seen.insert(o.name).inserted else { throw SimError.duplicateObjectName(o.name) }
        }
        let start = Stopwatch()
        self.scene = scene
        let sim = try MuJoCoSimulation(xml: builder.xml(for: scene))
        simulation = sim
        objectBodies = try scene.objects.map { try sim.bodyID($0.name) }
        cupBody = try sim.bodyID(MJCFBuilder.cupBodyName)
        toolBody = scene.endEffector == .spatula ? try sim.bodyID(MJCFBuilder.spatulaBodyName) : cupBody
        arm = UR5Arm(tool: UR5Tool(scene.endEffector))
        armLinkBodies = builder.look == .cliport ? try (1..<UR5Links.names.count).map { try sim.bodyID(MJCFBuilder.armBodyName($0)) } : []
        welds = try scene.objects.map { $0.isFixed ? nil : try sim.equalityID(MJCFBuilder.weldName(for: $0.name)) }
        timing.addPhysics(start)
    }

    public var xml: String { simulation.xml }

    // MARK: state

    public func pose(ofObject i: Int) -> Pose { simulation.bodyPose(objectBodies[i]) }
    public var objectPoses: [Pose] { objectBodies.map { simulation.bodyPose($0) } }
    public var cupPose: Pose { simulation.bodyPose(cupBody) }

    func objectIndex(ofBody body: Int) -> Int? { objectBodies.firstIndex(of: body) }

    // MARK: physics

    func step(_ n: Int = 1) throws {
        let start = Stopwatch()
        defer { timing.addPhysics(start); timing.physicsSteps += n }
        try simulation.step(count: n)
    }

    /// Steps until every free object moves slower than 5 mm/s (CLIPort's `is_static`) on two consecutive
    /// steps (one slow step can be the top of a bounce), at least `minSteps` and at most `maxSteps` steps;
    /// throws `SimError.neverSettled` naming the fastest object.
    @discardableResult
    public func settle(minSteps: Int = 4, maxSteps: Int = 1500) throws -> SettleOutcome {
        var steps = 0
        var fastest = (speed: 0.0, index: -1)
        var slowSteps = 0
        while steps < maxSteps {
            try step()
            steps += 1
            fastest = (0, -1)
            for (i, b) in objectBodies.enumerated() where !scene.objects[i].isFixed && objectIndex(ofBody: b) != heldObject {
                let v = try simulation.linearSpeed(ofFreeBody: b)
                if v > fastest.speed { fastest = (v, i) }
            }
            slowSteps = fastest.speed < Self.staticSpeed ? slowSteps + 1 : 0
            if steps >= minSteps, slowSteps >= 2 { return SettleOutcome(steps: steps, maxSpeed: fastest.speed) }
        }
        throw SimError.neverSettled(steps: steps, movingObject: fastest.index >= 0 ? scene.objects[fastest.index].name : "?",
                                    speed: fastest.speed)
    }

    // MARK: arm

    /// Sets a mocap body's pose; when it is the tool, the arm follows (see the type comment).
    func setMocapPose(_ body: Int, _ pose: Pose) throws {
        try simulation.setMocapPose(body, pose)
        guard body == toolBody else { return }
        arm.follow(toolPose: pose)
        guard !armLinkBodies.isEmpty else { return }
        for (link, linkPose) in zip(armLinkBodies, arm.linkPoses) { try simulation.setMocapPose(link, linkPose) }
    }

    // MARK: suction cup

    /// Moves the cup (and what it holds) kinematically, without stepping physics.
    func teleportCup(to pose: Pose) throws {
        try setMocapPose(cupBody, pose)
        if let h = heldObject, let eq = welds[h] {
            try simulation.setFreeJointPose(objectBodies[h], pose * simulation.weldRelativePose(eq))
        }
        let start = Stopwatch()
        simulation.forward()
        timing.addPhysics(start)
    }

    /// The body in contact with the probe (the cup tip, or the held object), excluding the cup and the probe.
    func contactBody(of probe: Int) -> Int? {
        simulation.bodiesInContact(with: probe).first { $0 != cupBody && $0 != probe }
    }

    /// Descends from the current cup pose in 1 mm physics steps along -`axis` (world z, or the tool's z of a
    /// tilted place, as CLIPort moves along the tool axis) until the probe body touches something, or until
    /// the cup is `overshoot` beyond `expected` along the axis. Returns the body touched.
    func descendUntilContact(expected: SIMD3<Double>, axis: SIMD3<Double> = SIMD3(0, 0, 1), probe: Int,
                             steps: inout Int) throws -> Int? {
        var pose = cupPose
        // For the vertical axis these dot products are exactly z, so untilted descents stay bit-identical.
        func along(_ p: SIMD3<Double>) -> Double { p.x * axis.x + p.y * axis.y + p.z * axis.z }
        let floor = along(expected) - Self.overshoot
        while along(pose.position) > floor {
            pose.position -= axis * Self.slowStep
            try setMocapPose(cupBody, pose)
            try step()
            steps += 1
            if let b = contactBody(of: probe) { return b }
        }
        return nil
    }

    /// Attaches the free object the cup touches (CLIPort's `Suction.activate`); fixed objects and the table
    /// cannot be picked.
    func activateSuction(touching body: Int?) throws -> Int? {
        guard let body, let i = objectIndex(ofBody: body), let eq = welds[i] else { return nil }
        try simulation.activateWeld(eq)
        heldObject = i
        // For shapes that ask for it, the cup tip does not collide while it holds them: its contact with the
        // held object fights the soft weld and a wide, light object (a kit shape) lands up to 1 cm off.
        if case .compound(let shape) = scene.objects[i].shape, shape.holdWithoutTipContact {
            let tip = try simulation.geomID("cup-tip")
            heldTipBits = simulation.collisionBits(geom: tip)
            simulation.setCollisionBits(geom: tip, contype: 0, conaffinity: 0)
        }
        return i
    }

    /// Turns the suction off. The cup has stopped at contact, so the object is let go at rest (its
    /// velocity from the 0.5 m/s descent is zeroed) and settles in a few steps instead of ~70.
    func release() throws {
        if let h = heldObject, let eq = welds[h] {
            simulation.deactivateWeld(eq)
            let body = objectBodies[h]
            try simulation.setFreeJointPose(body, try simulation.freeJointPose(body))
        }
        if let bits = heldTipBits {
            simulation.setCollisionBits(geom: try simulation.geomID("cup-tip"), contype: bits.contype, conaffinity: bits.conaffinity)
            heldTipBits = nil
        }
        heldObject = nil
    }

    /// CLIPort's `PickPlace` primitive (suction): approach 0.32 m above the pick, descend until contact,
    /// attach, lift, move above the place, descend until the held object touches something, release, and
    /// retreat to 0.32 m above the place. If nothing was attached: release and return above the pick.
    /// The world is then stepped until static.
    public func pickPlace(pick: Pose, place: Pose) throws -> PickPlaceOutcome {
        try suctionPickPlace(pick: pick, place: place) { _, _, _ in
            let up = SIMD3<Double>(0, 0, Self.approachHeight)
            // A tilted place (block-insertion-sixdof) is approached along its tool axis, as CLIPort's
            // preplace pose is 0.32 m up the tool's z; for a yaw-only place the axis is exactly world z.
            let axis = place.rotation.rotate(SIMD3(0, 0, 1))
            try self.teleportCup(to: Pose(position: pick.position + up, rotation: pick.rotation))
            try self.teleportCup(to: Pose(position: place.position + axis * Self.approachHeight, rotation: place.rotation))
            try self.teleportCup(to: Pose(position: place.position + axis * Self.placeSlowZone, rotation: place.rotation))
        }
    }

    /// The suction pick-place both primitives share: approach 0.32 m above the pick, descend until contact,
    /// attach; `carry` brings the held object to where the place descent starts (adding any physics steps
    /// it takes to the pick or place counts); descend until the held object touches, release, retreat to
    /// 0.32 m above the place, settle. If nothing was attached: release, return above the pick, settle.
    func suctionPickPlace(pick: Pose, place: Pose,
                          carry: (_ held: Int, _ pickSteps: inout Int, _ placeSteps: inout Int) throws -> Void) throws -> PickPlaceOutcome {
        let up = SIMD3<Double>(0, 0, Self.approachHeight)
        let prepick = Pose(position: pick.position + up, rotation: pick.rotation)
        try teleportCup(to: prepick)
        // The pick z is the surface height there (from the heightmap), so contact is expected at it.
        try teleportCup(to: Pose(position: pick.position + SIMD3(0, 0, Self.pickSlowZone), rotation: pick.rotation))
        var pickSteps = 0, placeSteps = 0
        let touched = try descendUntilContact(expected: pick.position, probe: cupBody, steps: &pickSteps)
        guard let held = try activateSuction(touching: touched) else {
            try release()
            try teleportCup(to: prepick)
            var outcome = PickPlaceOutcome(grasped: nil, placedOnContact: false)
            outcome.pickDescentSteps = pickSteps
            outcome.settleSteps = try settle().steps
            return outcome
        }
        try carry(held, &pickSteps, &placeSteps)
        let landed = try descendUntilContact(expected: place.position, axis: place.rotation.rotate(SIMD3(0, 0, 1)),
                                             probe: objectBodies[held], steps: &placeSteps) != nil
        try release()
        try teleportCup(to: Pose(position: place.position + up, rotation: place.rotation))
        var outcome = PickPlaceOutcome(grasped: scene.objects[held].name, placedOnContact: landed)
        outcome.pickDescentSteps = pickSteps
        outcome.placeDescentSteps = placeSteps
        outcome.settleSteps = try settle().steps
        return outcome
    }
}
