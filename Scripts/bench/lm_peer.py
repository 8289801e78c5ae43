#!/usr/bin/env python3
"""The PyTorch peer of `nlp train lm`: an LSTM language model of the same shape, trained on the same
sentences with the same vocabulary, objective and optimiser, for the same number of epochs; prints
dev and test perplexity and training tokens/s as JSON.

    /tmp/torch/bin/python Scripts/bench/lm_peer.py --model runs/lm/lm-en.safetensors \
        --train runs/lm/train.en --dev runs/lm/dev.en --test runs/lm/test.en --epochs 1 --threads 1

The vocabulary and the tokenizer's settings are read from our model file, so both models predict
the same tokens: text is tokenized by `nlp tokenize --lower` (ICU, as ours) and English clitics are
split off as our TokenizeStage does (don't -> do n't). Each line is <s> w1 .. wn </s>; the network
reads all but the last and predicts all but the first. Same shape as ours: embedding E, one
nn.LSTM(E, H) layer per --layers, dropout on the embeddings and the LSTM's outputs, an output layer
tied to the embedding, E and the output uniform in +-0.1 with zero bias; Adam, gradient norm clipped
at 5, batches of sentences of similar length, truncated BPTT in windows of --bptt steps with the
state carried from one window to the next and the gradient of the whole batch summed before one
optimiser step (as ours).
"""
import argparse, json, math, random, struct, subprocess, sys, time

import torch
import torch.nn as nn

CLITICS = ["n't", "'ll", "'re", "'ve", "'s", "'d", "'m"]


def model_settings(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
    configuration = json.loads(header["__metadata__"]["configuration"])
    return configuration["encode"]["tokens"], configuration["network"], configuration["tokenize"]


def split_contraction(token):
    text = token.replace("\u2019", "'")
    for clitic in CLITICS:
        if text.endswith(clitic) and len(text) > len(clitic):
            return [text[: -len(clitic)], clitic]
    return [token]


def read_ids(path, nlp, index, tokenize):
    lines = [line for line in open(path, encoding="utf-8") if line.strip()]
    command = [nlp, "tokenize", "--lower", "--locale", tokenize["normalize"]["locale"], "--normalize", "nfc"]
    out = subprocess.run(command, input="".join(lines), capture_output=True, text=True, check=True).stdout
    sequences = []
    for line in out.split("\n")[: len(lines)]:
        tokens = [piece for token in line.split() for piece in
                  (split_contraction(token) if tokenize.get("splitContractions") else [token])]
        sequences.append([2] + [index.get(token, 1) for token in tokens] + [3])
    return sequences


class LanguageModel(nn.Module):
    def __init__(self, V, E, H, layers, dropout, cell):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(E, H, num_layers=layers)
        self.drop = nn.Dropout(dropout)
        self.output = nn.Linear(H, V)
        self.output.weight = self.embedding.weight   # tied
        nn.init.uniform_(self.embedding.weight, -0.1, 0.1)
        nn.init.zeros_(self.output.bias)

    def forward(self, ids, lengths, state=None):
        x = self.drop(self.embedding(ids))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, state = self.rnn(packed, state)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=ids.shape[0])
        return self.output(self.drop(out)), state


def batches(sequences, size, shuffle, rng):
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(groups)
    for group in groups:
        yield [sequences[i] for i in group]


def tensors(group):
    T = max(len(s) for s in group) - 1
    ids = torch.zeros(T, len(group), dtype=torch.long)
    targets = torch.full((T, len(group)), -1, dtype=torch.long)
    for b, s in enumerate(group):
        ids[: len(s) - 1, b] = torch.tensor(s[:-1])
        targets[: len(s) - 1, b] = torch.tensor(s[1:])
    return ids, targets


def perplexity(model, sequences):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for group in batches(sequences, 64, False, None):
            ids, targets = tensors(group)
            lengths = (targets >= 0).sum(0)
            logits, _ = model(ids, lengths)
            total += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                                 ignore_index=-1, reduction="sum").item()
            count += int((targets >= 0).sum())
    return math.exp(total / count), count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="our model file: vocabulary, shape and tokenizer")
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--test", action="append", default=[])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--bptt", type=int, default=35)
    ap.add_argument("--lr", type=float, default=0.002)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--nlp", default=".build/release/nlp")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    tokens, network, tokenize = model_settings(args.model)
    if not network.get("tied", False):
        sys.exit("the peer builds a tied output layer; the model file is untied")
    index = {token: i for i, token in enumerate(tokens)}
    train = read_ids(args.train, args.nlp, index, tokenize)
    dev = read_ids(args.dev, args.nlp, index, tokenize)
    encoder = network["encoder"]
    model = LanguageModel(len(tokens), network["embeddingDimension"], encoder["hiddenSize"], encoder.get("layers", 1),
                          network["dropout"], encoder["cell"])
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    history = []
    trained_tokens, seconds = 0, 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        for group in batches(train, args.batch_size, True, rng):
            ids, targets = tensors(group)
            count = int((targets >= 0).sum())
            optimiser.zero_grad()
            state = None
            for t0 in range(0, ids.shape[0], args.bptt):
                window_ids, window_targets = ids[t0:t0 + args.bptt], targets[t0:t0 + args.bptt]
                lengths = (window_targets >= 0).sum(0)
                live = lengths > 0   # rows whose sentence goes on in this window
                if state is not None:
                    state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
                logits, new_state = model(window_ids[:, live], lengths[live],
                                          None if state is None else select(state, live))
                loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), window_targets[:, live].reshape(-1),
                                                   ignore_index=-1, reduction="sum") / count
                loss.backward()
                state = merge(state, new_state, live, ids.shape[1])
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimiser.step()
            trained_tokens += count
        seconds += time.perf_counter() - start
        dev_perplexity, _ = perplexity(model, dev)
        history.append({"epoch": epoch, "dev_perplexity": round(dev_perplexity, 2)})
        print(json.dumps(history[-1]), file=sys.stderr, flush=True)
    result = {"epochs": history, "train_tok_s": round(trained_tokens / seconds), "threads": args.threads}
    for path in args.test:
        value, count = perplexity(model, read_ids(path, args.nlp, index, tokenize))
        result["perplexity " + path] = round(value, 2)
        result["tokens " + path] = count
    print(json.dumps(result))


def select(state, live):
    if isinstance(state, tuple):
        return tuple(s[:, live].contiguous() for s in state)
    return state[:, live].contiguous()


def merge(old, new, live, batch):
    """The state of every row after this window: the new one for rows that ran, the old one (or zero) for the rest."""
    def one(o, n):
        full = torch.zeros(n.shape[0], batch, n.shape[2]) if o is None else o.clone()
        full[:, live] = n
        return full
    if isinstance(new, tuple):
        return tuple(one(None if old is None else o, n) for o, n in zip(old if old is not None else (None,) * len(new), new))
    return one(old, new)


if __name__ == "__main__":
    main()
