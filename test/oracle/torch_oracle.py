"""PyTorch oracle for Recurrent Lab model files.

  read  MODEL TEXTFILE  -> JSON {loss, logits: [[...V] per position], tokens}
       Loads MODEL (a .safetensors written by rlab) into torch.nn.Embedding +
       nn.RNN/LSTM/GRU(batch_first=True) + nn.Linear, reads TEXTFILE as one
       stream from a zero state and reports the mean cross-entropy over
       positions 2..N and every position's logits.
  write MODEL TEXTFILE CELL LAYERS HIDDEN EMBED SEED -> JSON {loss}
       Builds a randomly initialised PyTorch model with a char vocabulary of
       TEXTFILE, saves it under PyTorch's own parameter names with the
       Recurrent Lab metadata, and reports its loss on TEXTFILE.

The safetensors format is parsed and written here by hand (8-byte length,
JSON header, raw little-endian data) so no extra Python package is needed.
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn


class LM(nn.Module):
    def __init__(self, cell, layers, hidden, embed, vocab, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(embed, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, ids):
        out, _ = self.rnn(self.embedding(ids))
        return self.decoder(out)


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", t["dtype"]
        b, e = t["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(raw[base + b : base + e], dtype="<f4").copy().reshape(t["shape"]))
    return meta, tensors


def write_safetensors(path, tensors, meta):
    header = {"__metadata__": meta}
    blobs, offset = [], 0
    for name, t in tensors.items():
        data = t.detach().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def stream_loss(model, ids):
    model.eval()
    with torch.no_grad():
        x = torch.tensor([ids[:-1]], dtype=torch.long)
        y = torch.tensor(ids[1:], dtype=torch.long)
        logits = model(x)[0]
        loss = nn.functional.cross_entropy(logits.double(), y).item()
    return loss, logits


def main():
    torch.set_num_threads(1)
    mode, path, textfile = sys.argv[1:4]
    text = open(textfile, encoding="utf-8").read()
    if mode == "read":
        meta, tensors = read_safetensors(path)
        assert meta["format"] == "recurrent-lab/1"
        cfg = json.loads(meta["config"])
        vocab = json.loads(meta["vocab"])
        model = LM(cfg["cell"], cfg["layers"], cfg["hidden"], cfg["embed"], len(vocab), cfg["dropout"])
        model.load_state_dict(tensors, strict=True)
        index = {t: i for i, t in enumerate(vocab)}
        ids = [index[c] for c in text]
        loss, logits = stream_loss(model, ids)
        print(json.dumps({"loss": loss, "tokens": len(ids) - 1, "logits": logits.tolist()}))
    elif mode == "write":
        cell, layers, hidden, embed, seed = sys.argv[4], *map(int, sys.argv[5:9])
        torch.manual_seed(seed)
        vocab = sorted(set(text), key=ord)
        model = LM(cell, layers, hidden, embed, len(vocab))
        config = {"cell": cell, "layers": layers, "hidden": hidden, "embed": embed, "dropout": 0, "tokenizer": "char"}
        meta = {
            "format": "recurrent-lab/1",
            "config": json.dumps(config),
            "vocab": json.dumps(vocab, ensure_ascii=False),
            "training": json.dumps({"steps": 0, "backend": "pytorch"}),
        }
        write_safetensors(path, model.state_dict(), meta)
        ids = [vocab.index(c) for c in text]
        loss, _ = stream_loss(model, ids)
        print(json.dumps({"loss": loss, "tokens": len(ids) - 1}))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
