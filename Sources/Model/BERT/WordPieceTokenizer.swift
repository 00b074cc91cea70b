import Foundation

/// BERT's uncased tokenizer (Hugging Face `BertTokenizer`/`DistilBertTokenizer` with
/// `do_lower_case`): clean the text (drop control characters, whitespace to spaces), put spaces around
/// CJK ideographs, lower-case and strip accents (NFD, drop combining marks), split on whitespace and
/// punctuation, then WordPiece: each word greedily as the longest vocabulary prefix, the rest as `##`
/// pieces, `[UNK]` when a word cannot be covered (or is over 100 characters). `encode` adds `[CLS]` and
/// `[SEP]` as `tokenizer(text)` does.
public struct WordPieceTokenizer: Sendable {
    let ids: [String: Int]
    public let classID: Int, separatorID: Int, unknownID: Int
    /// Lines of the vocabulary (its largest id + 1).
    public let vocabularySize: Int

    /// `vocabulary`: one token per line, its id the line number (`vocab.txt`).
    public init(vocabulary: [String]) throws {
        var ids: [String: Int] = [:]
        for (i, token) in vocabulary.enumerated() where ids[token] == nil { ids[token] = i }
        guard let cls = ids["[CLS]"], let sep = ids["[SEP]"], let unk = ids["[UNK]"] else {
            throw DistilBERTError.badVocabulary("it lacks [CLS], [SEP] or [UNK]")
        }
        self.ids = ids; classID = cls; separatorID = sep; unknownID = unk; vocabularySize = vocabulary.count
    }

    public init(vocabularyPath: String) throws {
        guard let text = try? String(contentsOfFile: vocabularyPath, encoding: .utf8) else {
            throw DistilBERTError.badVocabulary("cannot read \(vocabularyPath) as UTF-8 text")
        }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 })
    }

    /// `[CLS]` + the text's WordPiece ids + `[SEP]`.
    public func encode(_ text: String) -> [Int] { [classID] + words(text).flatMap(pieces) + [separatorID] }

    /// The basic tokenizer's words: cleaned, lower-cased, accents stripped, split at whitespace and punctuation.
    func words(_ text: String) -> [String] {
        var spaced = ""
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD { continue }
            if Self.isWhitespace(scalar) { spaced.unicodeScalars.append(" "); continue }
            if Self.isControl(scalar) { continue }
            if Self.isCJK(scalar) { spaced += " \(Character(scalar)) "; continue }
            spaced.unicodeScalars.append(scalar)
        }
        var out: [String] = []
        for token in spaced.split(separator: " ") {
            let stripped = String(String.UnicodeScalarView(token.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
                .filter { $0.properties.generalCategory != .nonspacingMark }))
            var current = ""
            for scalar in stripped.unicodeScalars {
                if Self.isPunctuation(scalar) {
                    if !current.isEmpty { out.append(current); current = "" }
                    out.append(String(Character(scalar)))
                } else {
                    current.unicodeScalars.append(scalar)
                }
            }
            if !current.isEmpty { out.append(current) }
        }
        return out
    }

    /// WordPiece ids of one word.
    func pieces(_ word: String) -> [Int] {
        let chars = Array(word.unicodeScalars)
        if chars.count > 100 { return [unknownID] }
        var out: [Int] = [], start = 0
        while start < chars.count {
            var end = chars.count, found: Int?
            while start < end {
                var piece = String(String.UnicodeScalarView(chars[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = ids[piece] { found = id; break }
                end -= 1
            }
            guard let id = found else { return [unknownID] }
            out.append(id); start = end
        }
        return out
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.generalCategory == .spaceSeparator
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format: return true
        default: return false
        }
    }

    /// ASCII non-letters/digits in 33-47, 58-64, 91-96, 123-126, and every Unicode punctuation category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
