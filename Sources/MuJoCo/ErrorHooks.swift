import CMuJoCo
import Foundation

/// MuJoCo's `mju_error` calls `exit()` by default, which would end a long generation run silently.
/// These hooks print the message clearly on stderr (a fatal error cannot be unwound through C, so it
/// still traps, but with the reason), and keep the last warning so `step` can throw with it.
enum ErrorHooks {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var lastWarningText = ""

    static func install() {
        lock.lock(); defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        cmj_set_user_error { message in
            let text = message.map { String(cString: $0) } ?? "unknown error"
            FileHandle.standardError.write(Data("MuJoCo fatal error: \(text)\n".utf8))
            fatalError("MuJoCo fatal error: \(text)")
        }
        cmj_set_user_warning { message in
            let text = message.map { String(cString: $0) } ?? "unknown warning"
            ErrorHooks.setLastWarning(text)
        }
    }

    static func setLastWarning(_ text: String) {
        lock.lock(); lastWarningText = text; lock.unlock()
    }

    static var lastWarning: String {
        lock.lock(); defer { lock.unlock() }
        return lastWarningText
    }
}
