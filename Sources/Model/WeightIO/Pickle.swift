import Foundation

/// A value of a Python pickle, as PyTorch checkpoints hold them. Pickles are interpreted as data, never
/// run: a class or function reference stays a name (`global`), and calling one (REDUCE, NEWOBJ) makes
/// an `object` holding the name and arguments, except for the few callables checkpoints need to mean
/// something (OrderedDict, tensor rebuilding, TorchScript's typed-list helpers), which are evaluated.
public indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case object(PickleObject)
    /// A class or function by module and name (`torch HalfStorage`, `__torch__ CLIP`).
    case global(module: String, name: String)
    /// A persistent id resolved to a storage of the archive.
    case storage(PickleStorage)
    case tensor(PickleTensor)
}

/// Pickle lists, dicts and objects are mutable and shared through the memo, so they are references.
public final class PickleList { public var items: [PickleValue]; init(_ items: [PickleValue] = []) { self.items = items } }
public final class PickleDict { public var entries: [(key: PickleValue, value: PickleValue)] = [] }
public final class PickleObject {
    /// "module.name" of the class or function that made it.
    public let type: String
    public let arguments: [PickleValue]
    /// What BUILD set: a module's attributes (a dict) for TorchScript modules and pickled nn.Modules.
    public var state: PickleValue?
    init(type: String, arguments: [PickleValue]) { self.type = type; self.arguments = arguments }
}

/// A storage a tensor views: `data/<key>` of the archive, `count` elements of `type` ("HalfStorage").
public struct PickleStorage: Sendable, Equatable {
    public let type: String
    public let key: String
    public let count: Int
}

/// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`: a strided view of a storage.
public struct PickleTensor: Sendable, Equatable {
    public let storage: PickleStorage
    public let offset: Int
    public let shape: [Int]
    public let strides: [Int]
}

/// Why a pickle could not be read.
public enum PickleError: Error, CustomStringConvertible, Equatable {
    case malformed(source: String, offset: Int, reason: String)

    public var description: String {
        switch self {
        case let .malformed(source, offset, reason):
            return "\(source) is not a checkpoint pickle this reader understands (\(reason) at byte \(offset)); re-save it with torch.save(state_dict) or safetensors"
        }
    }
}

/// The subset of Python's pickle protocol (0-2 binary opcodes, and the protocol 4 framing ones) that
/// `torch.save` state dicts and TorchScript's `data.pkl` use.
public struct PickleReader {
    let bytes: [UInt8]
    let source: String
    var at = 0
    var stack: [PickleValue] = []
    var marks: [Int] = []
    var memo: [Int: PickleValue] = [:]

    public init(bytes: [UInt8], source: String) { self.bytes = bytes; self.source = source }

    /// The value the pickle builds.
    public static func read(_ bytes: [UInt8], source: String) throws -> PickleValue {
        var r = PickleReader(bytes: bytes, source: source)
        return try r.run()
    }

    func fail(_ reason: String) -> PickleError { .malformed(source: source, offset: at, reason: reason) }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - at else { throw fail("the data ends inside an opcode") }
        defer { at += n }
        return bytes[at..<(at + n)]
    }
    mutating func byte() throws -> UInt8 { try take(1).first! }
    mutating func uint(_ n: Int) throws -> UInt64 {
        try take(n).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
    mutating func length(_ n: Int) throws -> Int {
        let v = try uint(n)
        guard v <= UInt64(bytes.count - at) else { throw fail("a length of \(v) bytes runs past the end") }
        return Int(v)
    }
    mutating func line() throws -> String {
        guard let nl = bytes[at...].firstIndex(of: 0x0A) else { throw fail("a name is not terminated") }
        defer { at = nl + 1 }
        return String(decoding: bytes[at..<nl], as: UTF8.self)
    }
    mutating func pop() throws -> PickleValue {
        guard let v = stack.popLast() else { throw fail("the stack is empty") }
        if let m = marks.last, stack.count < m { throw fail("an opcode reaches below its mark") }
        return v
    }
    mutating func popMark() throws -> [PickleValue] {
        guard let m = marks.popLast(), m <= stack.count else { throw fail("no mark to pop to") }
        defer { stack.removeLast(stack.count - m) }
        return Array(stack[m...])
    }
    mutating func top() throws -> PickleValue {
        guard let v = stack.last else { throw fail("the stack is empty") }
        return v
    }

    mutating func run() throws -> PickleValue {
        while true {
            let op = try byte()
            switch op {
            case 0x80: _ = try byte()                                     // PROTO
            case 0x95: _ = try take(8)                                    // FRAME
            case 0x2E: return try pop()                                   // STOP
            case 0x28: marks.append(stack.count)                          // MARK
            case 0x29: stack.append(.tuple([]))                           // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))                // TUPLE
            case 0x85, 0x86, 0x87:                                        // TUPLE1-3
                let n = Int(op - 0x84)
                guard stack.count >= n else { throw fail("the stack is empty") }
                let items = Array(stack.suffix(n)); stack.removeLast(n)
                stack.append(.tuple(items))
            case 0x5D: stack.append(.list(PickleList()))                  // EMPTY_LIST
            case 0x6C: stack.append(.list(PickleList(try popMark())))     // LIST
            case 0x61:                                                    // APPEND
                let v = try pop()
                guard case let .list(l) = try top() else { throw fail("APPEND to a non-list") }
                l.items.append(v)
            case 0x65:                                                    // APPENDS
                let items = try popMark()
                guard case let .list(l) = try top() else { throw fail("APPENDS to a non-list") }
                l.items += items
            case 0x7D: stack.append(.dict(PickleDict()))                  // EMPTY_DICT
            case 0x64:                                                    // DICT
                let d = PickleDict(); try Self.fill(d, try popMark(), fail(""))
                stack.append(.dict(d))
            case 0x73:                                                    // SETITEM
                let v = try pop(), k = try pop()
                guard case let .dict(d) = try top() else { throw fail("SETITEM on a non-dict") }
                d.entries.append((k, v))
            case 0x75:                                                    // SETITEMS
                let items = try popMark()
                guard case let .dict(d) = try top() else { throw fail("SETITEMS on a non-dict") }
                try Self.fill(d, items, fail("SETITEMS with an odd number of items"))
            case 0x4E: stack.append(.none)                                // NONE
            case 0x88: stack.append(.bool(true))                          // NEWTRUE
            case 0x89: stack.append(.bool(false))                         // NEWFALSE
            case 0x4A: stack.append(.int(Int(Int32(bitPattern: UInt32(try uint(4))))))   // BININT
            case 0x4B: stack.append(.int(Int(try byte())))                // BININT1
            case 0x4D: stack.append(.int(Int(try uint(2))))               // BININT2
            case 0x8A, 0x8B:                                              // LONG1, LONG4
                let n = op == 0x8A ? Int(try byte()) : try length(4)
                guard n <= 8 else { throw fail("an integer of \(n) bytes") }
                if n == 0 { stack.append(.int(0)); break }
                let raw = try uint(n)
                let shift = UInt64(64 - 8 * n)
                stack.append(.int(Int(Int64(bitPattern: raw << shift) >> Int64(shift))))   // sign-extend
            case 0x47:                                                    // BINFLOAT (big-endian)
                let b = try take(8)
                stack.append(.float(Double(bitPattern: b.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
            case 0x58, 0x8C, 0x8D:                                        // BINUNICODE, SHORT_, 8
                let n = try length(op == 0x8C ? 1 : op == 0x58 ? 4 : 8)
                stack.append(.string(String(decoding: try take(n), as: UTF8.self)))
            case 0x54, 0x55:                                              // BINSTRING, SHORT_BINSTRING
                let n = try length(op == 0x55 ? 1 : 4)
                stack.append(.string(String(decoding: try take(n), as: UTF8.self)))
            case 0x42, 0x43:                                              // BINBYTES, SHORT_BINBYTES
                let n = try length(op == 0x43 ? 1 : 4)
                stack.append(.bytes(Array(try take(n))))
            case 0x63:                                                    // GLOBAL
                let module = try line(), name = try line()
                stack.append(.global(module: module, name: name))
            case 0x93:                                                    // STACK_GLOBAL
                guard case let .string(name) = try pop(), case let .string(module) = try pop() else {
                    throw fail("STACK_GLOBAL without two names")
                }
                stack.append(.global(module: module, name: name))
            case 0x52:                                                    // REDUCE
                guard case let .tuple(args) = try pop() else { throw fail("REDUCE without an argument tuple") }
                stack.append(try call(try pop(), args))
            case 0x81:                                                    // NEWOBJ
                guard case let .tuple(args) = try pop() else { throw fail("NEWOBJ without an argument tuple") }
                guard case let .global(module, name) = try pop() else { throw fail("NEWOBJ of a non-class") }
                stack.append(.object(PickleObject(type: module + "." + name, arguments: args)))
            case 0x62:                                                    // BUILD
                let state = try pop()
                if case let .object(o) = try top() { o.state = state }    // others (an OrderedDict's _metadata): ignored
            case 0x51: stack.append(try persistent(try pop()))            // BINPERSID
            case 0x71: memo[Int(try byte())] = try top()                  // BINPUT
            case 0x72: memo[Int(try uint(4))] = try top()                 // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                       // MEMOIZE
            case 0x68, 0x6A:                                              // BINGET, LONG_BINGET
                let k = op == 0x68 ? Int(try byte()) : Int(try uint(4))
                guard let v = memo[k] else { throw fail("memo entry \(k) was never stored") }
                stack.append(v)
            case 0x30: _ = try pop()                                      // POP
            case 0x31: _ = try popMark()                                  // POP_MARK
            case 0x32: stack.append(try top())                            // DUP
            default:
                at -= 1
                throw fail(String(format: "opcode 0x%02X is not part of the subset checkpoints use", op))
            }
        }
    }

    static func fill(_ d: PickleDict, _ items: [PickleValue], _ error: PickleError) throws {
        guard items.count % 2 == 0 else { throw error }
        for i in stride(from: 0, to: items.count, by: 2) { d.entries.append((items[i], items[i + 1])) }
    }

    /// A persistent id: ('storage', <storage class>, key, location, element count).
    func persistent(_ pid: PickleValue) throws -> PickleValue {
        guard case let .tuple(t) = pid, t.count >= 5, case .string("storage") = t[0],
              case let .global(_, type) = t[1], case let .string(key) = t[2], case let .int(count) = t[4], count >= 0 else {
            throw fail("a persistent id that is not a ('storage', type, key, location, size) tuple")
        }
        return .storage(PickleStorage(type: type, key: key, count: count))
    }

    /// Evaluates the callables checkpoints need; anything else becomes an inert object.
    func call(_ callable: PickleValue, _ args: [PickleValue]) throws -> PickleValue {
        guard case let .global(module, name) = callable else { throw fail("REDUCE of a value that is not a class or function") }
        switch (module, name) {
        case ("collections", "OrderedDict"), ("builtins", "dict"):
            return .dict(PickleDict())
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            guard args.count >= 4, case let .storage(s) = args[0], case let .int(offset) = args[1],
                  let shape = Self.ints(args[2]), let strides = Self.ints(args[3]), shape.count == strides.count else {
                throw fail("\(name) with arguments other than (storage, offset, size, stride)")
            }
            return .tensor(PickleTensor(storage: s, offset: offset, shape: shape, strides: strides))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let first = args.first else { throw fail("\(name) without a tensor") }
            return first
        case ("torch.jit._pickle", _):
            // build_intlist, build_tensorlist, restore_type_tag...: the value itself.
            return args.first ?? .none
        default:
            return .object(PickleObject(type: module + "." + name, arguments: args))
        }
    }

    static func ints(_ v: PickleValue) -> [Int]? {
        let items: [PickleValue]
        switch v {
        case let .tuple(t): items = t
        case let .list(l): items = l.items
        default: return nil
        }
        var out: [Int] = []
        for item in items { guard case let .int(i) = item else { return nil }; out.append(i) }
        return out
    }
}
