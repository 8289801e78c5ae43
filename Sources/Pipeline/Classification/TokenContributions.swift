/// How much each token of a text moves a classifier toward the class it predicts, by occlusion:
///
///     contribution_i = p(ĉ | x) − p(ĉ | x with token i read as <unk>)
///
/// with ĉ the predicted class of x. Positive: the token speaks for ĉ (without it ĉ is less
/// likely); negative: against it. A token the vocabulary does not know is `<unk>` already and
/// contributes 0. For an ensemble, p is the members' mean. `TextClassifier.explain` computes it
/// with one batched pass over the T + 1 sequences of a text of T tokens.
public struct TokenContributions: Equatable, Sendable {
    /// The tokens the model reads, as the tokenizer gives them.
    public var tokens: [String]
    /// One per token.
    public var contributions: [Double]
    /// The classification of the whole text, of whose label the contributions are.
    public var classification: Classification

    public init(tokens: [String], contributions: [Double], classification: Classification) {
        precondition(tokens.count == contributions.count, "one contribution per token")
        self.tokens = tokens
        self.contributions = contributions
        self.classification = classification
    }
}
