/// The methods of CLIPort's Table 1, by the names our benchmark table uses for their columns.
public enum PublishedMethod: String, CaseIterable, Codable, Sendable {
    case transporterOnly = "transporter_only"
    case clipOnly = "clip_only"
    case rn50Bert = "rn50_bert"
    case cliportSingle = "cliport_single"
    case cliportMulti = "cliport_multi"
    case cliportMultiAttr = "cliport_multi_attr"

    /// The column heading of the paper.
    public var title: String {
        switch self {
        case .transporterOnly: return "Transporter-only"
        case .clipOnly: return "CLIP-only"
        case .rn50Bert: return "RN50-BERT"
        case .cliportSingle: return "CLIPort (single)"
        case .cliportMulti: return "CLIPort (multi)"
        case .cliportMultiAttr: return "CLIPort (multi-attr)"
        }
    }
}
