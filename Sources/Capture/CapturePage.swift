/// The capture page: plain HTML and JavaScript in `Page/` (no build step of their own), compiled into the
/// module as `EmbeddedPage` by the EmbedCapturePage plugin, so the binary serves them wherever it is copied.
enum CapturePage {
    static var html: String { file("index.html") }
    static var script: String { file("app.js") }

    static func file(_ name: String) -> String {
        guard let text = EmbeddedPage.files[name] else { preconditionFailure("Page/\(name) was not embedded at build time") }
        return text
    }
}
