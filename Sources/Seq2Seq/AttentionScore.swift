/// How the attention scores a source position for the decoder's query (Bahdanau et al. 2015;
/// Luong et al. 2015), with q the query (the decoder state, width Hd), m_s the encoder output at
/// source position s (width Dm) and k_s its key:
///
///     additive:  e_s = vᵀ tanh(W_q q + k_s),   k_s = U m_s + b      (attention width A, any)
///     dot:       e_s = qᵀ k_s,                 k_s = m_s            (needs Hd = Dm)
///     general:   e_s = qᵀ k_s,                 k_s = W m_s          (W (Hd, Dm))
///
/// Keys depend only on the source, so they are computed once per sentence, not once per step.
public enum AttentionScore: String, Codable, CaseIterable, Sendable {
    case additive
    case dot
    case general
}
