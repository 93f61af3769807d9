"""Writes torch_dice_resize.json: PyTorch's values for softmax + Dice-NS (loss and gradient w.r.t. the logits) and
for bilinear resize (F.interpolate, mode='bilinear', align_corners=False; forward and the input gradient of sum(r*y)).
All in float64. Produced with Debian's python3-torch 1.13:  /usr/bin/python3 make_torch_fixture.py
ReferenceAgainstPyTorchTests reads it; CI needs only the JSON, not PyTorch."""
import json

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(0)
eps = float(np.float32(1e-5))  # the backends take ε as float32; compare at that exact value
out = {"epsilon": eps, "dice": [], "resize": []}
for (n, c, h, w) in [(2, 2, 3, 4), (2, 3, 4, 5)]:
    z = (torch.randn(n, c, h, w, dtype=torch.float64) * 2).requires_grad_()
    g = F.one_hot(torch.randint(0, c, (n, h, w)), c).permute(0, 3, 1, 2).double()
    p = torch.softmax(z, 1)
    dice = (2 * (g * p).sum((2, 3)) + eps) / (p.sum((2, 3)) + g.sum((2, 3)) + eps)
    slice_losses = 1 - dice.mean(1)
    slice_losses.mean().backward()
    out["dice"].append(dict(shape=[n, c, h, w], logits=z.detach().flatten().tolist(), labels=g.flatten().tolist(),
                            sliceLosses=slice_losses.detach().tolist(), gradLogits=z.grad.flatten().tolist()))
for (ih, iw, oh, ow) in [(5, 7, 3, 4), (3, 4, 8, 11), (13, 9, 29, 5)]:
    x = torch.randn(1, 2, ih, iw, dtype=torch.float64, requires_grad=True)
    y = F.interpolate(x, size=(oh, ow), mode="bilinear", align_corners=False)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    out["resize"].append(dict(inputShape=[1, 2, ih, iw], outputSize=[oh, ow], input=x.detach().flatten().tolist(),
                              output=y.detach().flatten().tolist(), gradOutput=r.flatten().tolist(),
                              gradInput=x.grad.flatten().tolist()))
with open("torch_dice_resize.json", "w") as f:
    json.dump(out, f)
print("torch", torch.__version__)
