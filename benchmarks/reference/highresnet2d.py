#!/usr/bin/env python3
"""PyTorch reference for NativeSeg's HighResNet2D, Dice-NS loss, L2 term and Adam (llm.c-style parity).

Builds the same network as src/NativeSeg.Model/Network (NiftyNet semantics), loads NativeSeg's safetensors
weights and a batch, and writes what the C# parity test compares against:

  logits            training-mode forward of the batch, [N, C, H, W]
  loss              Dice-NS + L2 of that forward, [1]
  grad.<name>       d(Dice-NS)/d(parameter) for every trainable tensor (the L2 part is left out, as in
                    NativeSeg, where Adam adds l2Coefficient*theta itself)
  running.<name>    every BN running_mean / running_var after that one forward, in NativeSeg's convention
  losses            total loss before each of `--steps` Adam updates, [steps]
  eval_logits_initial  inference-mode logits of the loaded weights and running statistics, [N, C, H, W]
  eval_logits       inference-mode logits after those updates (running statistics), [N, C, H, W]

Batch norm: PyTorch updates running_var with the *unbiased* batch variance, NiftyNet and NativeSeg with the
*biased* one. After every training forward this script rewrites each running_var as
0.9*old + 0.1*biased, where biased = unbiased*(n-1)/n is recovered from PyTorch's own update
(n = N*H*W), so the running statistics (and the inference-mode logits) follow NativeSeg's convention.

L2: loss = DiceNS + mean over the 63 regularised tensors of decay*0.5*sum(v^2) (NiftyNet's code).

Usage (Debian: apt-get install -y python3-torch python3-numpy):
  python3 benchmarks/reference/highresnet2d.py WEIGHTS.safetensors BATCH.safetensors OUT.safetensors \
      [--lr 1e-3] [--decay 1e-4] [--steps 10]
"""
import argparse
import hashlib
import json
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"]).copy()
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, offset, chunks = {}, 0, []
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        chunks.append(raw)
    meta = dict(meta)
    meta["sha256"] = hashlib.sha256(b"".join(chunks)).hexdigest()
    header = {"__metadata__": meta, **header}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


class ConvBn(nn.Module):
    """conv -> BN (-> ReLU): conv_0, conv_1, conv_2 (no ReLU: the logits)."""

    def __init__(self, cin, cout, k, relu):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.relu = relu

    def forward(self, x):
        y = self.bn(self.conv(x))
        return F.relu(y) if self.relu else y


class Block(nn.Module):
    """(BN -> ReLU -> conv) twice + the block input, zero-padded on channels and centred."""

    def __init__(self, cin, cout, dilation):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin, eps=1e-5, momentum=0.1)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=dilation, dilation=dilation, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=dilation, dilation=dilation, bias=False)
        self.cin, self.cout = cin, cout

    def forward(self, x):
        y = self.conv1(F.relu(self.bn1(x)))
        y = self.conv2(F.relu(self.bn2(y)))
        delta = self.cout - self.cin
        skip = F.pad(x, (0, 0, 0, 0, delta // 2, delta - delta // 2)) if delta else x
        return y + skip


class HighResNet2D(nn.Module):
    def __init__(self, cin=1, classes=2):
        super().__init__()
        self.conv_0 = ConvBn(cin, 16, 3, True)
        channels = 16
        for stage, (width, dilation) in enumerate([(16, 1), (32, 2), (64, 4)], start=1):
            blocks = []
            for _ in range(3):
                blocks.append(Block(channels, width, dilation))
                channels = width
            setattr(self, f"res_{stage}", nn.Sequential(*blocks))
        self.conv_1 = ConvBn(64, 80, 1, True)
        self.conv_2 = ConvBn(80, classes, 1, False)

    def forward(self, x):
        x = self.conv_0(x)
        x = self.res_3(self.res_2(self.res_1(x)))
        return self.conv_2(self.conv_1(x))


def dice_ns(logits, onehot, eps=1e-5):
    p = torch.softmax(logits, dim=1)
    inter = (p * onehot).sum(dim=(2, 3))
    denom = p.sum(dim=(2, 3)) + onehot.sum(dim=(2, 3))
    dice = (2 * inter + eps) / (denom + eps)
    return (1 - dice.mean(dim=1)).mean()


def l2_term(net, decay):
    regularised = [p for p in net.parameters()]
    return sum(decay * 0.5 * (p * p).sum() for p in regularised) / len(regularised)


def train_forward(net, x, n):
    """Training-mode forward. Returns the logits and a function that rewrites running_var to NativeSeg's biased
    convention (see module doc); call it after backward, since autograd keeps running_var for the BN backward and
    refuses an in-place change before it."""
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    before = [m.running_var.clone() for m in bns]
    logits = net(x)

    def to_biased():
        with torch.no_grad():
            for m, old in zip(bns, before):
                unbiased_part = m.running_var - 0.9 * old
                m.running_var.copy_(0.9 * old + unbiased_part * (n - 1) / n)
    return logits, to_biased


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("weights")
    parser.add_argument("batch")
    parser.add_argument("out")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--decay", type=float, default=1e-4)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)

    weights, meta = read_safetensors(args.weights)
    batch, _ = read_safetensors(args.batch)
    x = torch.from_numpy(batch["input"])
    onehot = torch.from_numpy(batch["labels"])
    classes = len(meta["classes"].split(","))
    net = HighResNet2D(int(meta["input_channels"]), classes)
    state = {k: torch.from_numpy(v) for k, v in weights.items()}
    missing, unexpected = net.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    assert all(k.endswith("num_batches_tracked") for k in missing), missing
    n = x.shape[0] * x.shape[2] * x.shape[3]

    out = {}
    net.eval()
    with torch.no_grad():
        out["eval_logits_initial"] = net(x).numpy()
    net.train()
    logits, to_biased = train_forward(net, x, n)
    dice = dice_ns(logits, onehot)
    loss = dice + l2_term(net, args.decay)
    net.zero_grad()
    dice.backward()
    to_biased()
    out["logits"] = logits.detach().numpy()
    out["loss"] = np.array([loss.item()], dtype=np.float32)
    for name, p in net.named_parameters():
        out[f"grad.{name}"] = p.grad.numpy().copy()
    for name, b in net.named_buffers():
        if not name.endswith("num_batches_tracked"):
            out[f"running.{name}"] = b.numpy().copy()

    # Fresh start for the optimiser run: same weights, same initial running statistics.
    net.load_state_dict(state, strict=False)
    optimiser = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for _ in range(args.steps):
        optimiser.zero_grad()
        logits, to_biased = train_forward(net, x, n)
        loss = dice_ns(logits, onehot) + l2_term(net, args.decay)
        loss.backward()
        to_biased()
        optimiser.step()
        losses.append(loss.item())
    out["losses"] = np.array(losses, dtype=np.float32)
    net.eval()
    with torch.no_grad():
        out["eval_logits"] = net(x).numpy()

    write_safetensors(args.out, out, {
        "producer": "benchmarks/reference/highresnet2d.py",
        "torch": torch.__version__,
        "lr": repr(args.lr), "decay": repr(args.decay), "steps": str(args.steps),
    })
    print(f"loss {out['loss'][0]:.8f}; losses {' '.join(f'{v:.6f}' for v in losses)}")


if __name__ == "__main__":
    main()
