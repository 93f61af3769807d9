#!/usr/bin/env bash
# The whole GPU check-and-benchmark, in one go, for the device machine (no .NET there: it runs the self-contained
# bundle made here by build-bundle.sh and carried as publish/gpu-bundle: the kernel lab's `nativeseg-gpu`, which
# also runs every `nativeseg` command). About 4-6 minutes on an H100:
#   1. nativeseg-gpu check --device cuda  the product's check: every op on CUDA against the float64 reference
#   2. nativeseg-gpu bench-kernels        every kernel version (product and kernels/dev), checked on the device,
#                                         then timed (roofline table)
#   3. nativeseg-gpu bench --device cuda  the product's whole network: inference and a training step (batch 17)
#   4. nativeseg-gpu bench-network --kernels $NEW_KERNELS   the same with the lab's newest kernel versions
#   5. torch_gpu_bench.py                 PyTorch eager: the same convolutions, a training step, inference; TF32 off/on
# Logs and tables go to $OUT (fetched back by the device tool); the last lines printed are the short tables.
# Each step has its own time limit and a failing step does not stop the next ones; the exit code is the first
# failure's. Local dry run without a GPU (checks the script and the bundle): DEVICE=ilgpu-cpu benchmarks/gpu/run-gpu-bench.sh
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT="${OUT:-/tmp/gpu-bench-out}"
DEVICE="${DEVICE:-cuda}"
NEW_KERNELS="${NEW_KERNELS:-pointwise-weights=V2,inference=V3}"
bundle=publish/gpu-bundle
gpu="$bundle/nativeseg-gpu"
mkdir -p "$OUT"
# The bundle's native libraries unpack here; no ICU on the machine is fine for this program's invariant text.
export DOTNET_BUNDLE_EXTRACT_BASE_DIR=/tmp/dotnet-bundle DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export PYTHONUNBUFFERED=1
chmod +x "$gpu" 2>/dev/null
status=0
step() {  # step NAME SECONDS COMMAND... : runs with a limit, logs to $OUT/NAME.log, keeps the first failure
  local name=$1 limit=$2; shift 2
  echo "=== $name (limit ${limit}s): $* ==="
  local start=$SECONDS
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$OUT/$name.log"
  local rc=${PIPESTATUS[0]}
  echo "=== $name: exit $rc after $((SECONDS - start)) s ==="
  if (( rc != 0 && status == 0 )); then status=$rc; fi
}

{ date -u; uname -a; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv 2>&1; } \
  | tee "$OUT/machine.txt"
[[ -x "$gpu" ]] || { echo "no bundle at $bundle: run benchmarks/gpu/build-bundle.sh here and carry publish/gpu-bundle" >&2; exit 2; }

# Registers, spills and shared memory of every kernel from ptxas (ILGPU's PTX; no device time), into machine.txt.
ptxas_bin="$(command -v ptxas || ls /usr/local/cuda/bin/ptxas 2>/dev/null | head -1)"
if [[ -n "$ptxas_bin" ]] && timeout 30 "$gpu" bench-kernels --dump-ptx /tmp/nativeseg-ptx >/dev/null 2>&1; then
  for f in /tmp/nativeseg-ptx/Convolution*.ptx /tmp/nativeseg-ptx/Reduction*.ptx /tmp/nativeseg-ptx/BatchNorm*.ptx; do
    echo "ptxas sm_90 $(basename "$f" .ptx): $(timeout 5 "$ptxas_bin" -arch=sm_90 -v "$f" -o /dev/null 2>&1 | grep -E 'registers|spill' | tr -s ' \n' ' ')"
  done | tee -a "$OUT/machine.txt"
else
  echo "ptxas report: skipped (no ptxas, or the PTX dump failed)" | tee -a "$OUT/machine.txt"
fi

step check 80 "$gpu" check --device "$DEVICE" --seed 20261127
step gpu-kernels 170 "$gpu" bench-kernels --device "$DEVICE" --seconds 1 --csv "$OUT/gpu-kernels.csv"
if [[ "$DEVICE" == cuda ]]; then
  step network 70 "$gpu" bench --device cuda --repetitions 3
  step network-new 70 "$gpu" bench-network --kernels "$NEW_KERNELS" --device cuda --repetitions 3
  # At most 8 files come back from a device call: the two network logs travel as one.
  { echo "=== network-new"; cat "$OUT/network-new.log"; } >> "$OUT/network.log" && rm -f "$OUT/network-new.log"
fi
# GPU training end to end: the trainer (sampling, augmentation, Dice-NS, Adam, checkpoints) on the device, fine-tuning
# the shipped weights on phantoms made there (real CT does not fit the 64 MiB a call carries beside the bundle).
# Proves the training path runs on CUDA and gives steps/s; its weights are not for shipping.
train_smoke() {
  local d=/tmp/nativeseg-train size="${TRAIN_SIZE:-320x320x48}"
  rm -rf "$d"; mkdir -p "$d/run"
  "$gpu" phantom --out-ct "$d/p1_ct.nii.gz" --out-mask "$d/p1_mask.nii.gz" --size "$size" --seed 1 >/dev/null &&
  "$gpu" phantom --out-ct "$d/p2_ct.nii.gz" --out-mask "$d/p2_mask.nii.gz" --size "$size" --seed 2 --covid severe >/dev/null &&
  "$gpu" phantom --out-ct "$d/p3_ct.nii.gz" --out-mask "$d/p3_mask.nii.gz" --size "$size" --seed 3 --covid moderate >/dev/null || return 1
  printf '{"name":"gpu-smoke","cases":[%s]}' \
    '{"id":"p1","patient":"p1","group":"normal","split":"train","ct":"p1_ct.nii.gz","mask":"p1_mask.nii.gz"},
     {"id":"p2","patient":"p2","group":"covid","split":"train","ct":"p2_ct.nii.gz","mask":"p2_mask.nii.gz"},
     {"id":"p3","patient":"p3","group":"covid","split":"train","ct":"p3_ct.nii.gz","mask":"p3_mask.nii.gz"}' > "$d/manifest.json"
  # Its own limit, inside the step's: the trainer takes SIGTERM as "checkpoint after this step", and a step's
  # grandchild outlives the step's timeout otherwise.
  timeout --kill-after=5 "$(( ${TRAIN_LIMIT:-90} - 20 ))" "$gpu" train "$d/manifest.json" -o "$d/run" --device "$DEVICE" --init-weights weights/highresnet2d-lung.safetensors \
    --validation-patients p3 --epochs "${TRAIN_EPOCHS:-8}" --batch-size "${TRAIN_BATCH:-17}" --lr 0.0001 --seed 1 || return 1
  echo "--- training-log.csv"; cat "$d/run/training-log.csv"
  ls -la "$d/run"
}
if [[ "$DEVICE" == cuda || -n "${TRAIN_SMOKE:-}" ]]; then
  export -f train_smoke; export gpu DEVICE TRAIN_LIMIT
  step train "${TRAIN_LIMIT:-90}" bash -c train_smoke
fi
if [[ "$DEVICE" == cuda ]] && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  step torch 110 python3 benchmarks/reference/torch_gpu_bench.py --json "$OUT/torch-gpu.json"
else
  echo "=== torch: skipped (no PyTorch with CUDA here) ==="
fi

# The short tables last, so the device reply's output tail holds them.
echo; echo "=== summary ==="
grep -E "^ptxas sm_90 (Convolution|ReductionKernels.SumPartials)" "$OUT/machine.txt"
grep -E "FAIL|result|passed|failed" "$OUT/check.log" | tail -5
sed -n '/^kernel /,$p' "$OUT/gpu-kernels.log"
[[ -f "$OUT/network.log" ]] && { echo "--- network, default kernels, then $NEW_KERNELS"; grep -v '^ *$' "$OUT/network.log" | tail -24; }
[[ -f "$OUT/train.log" ]] && { echo "--- train (phantoms, from the shipped weights)"; tail -12 "$OUT/train.log"; }
[[ -f "$OUT/torch.log" ]] && sed -n '/^== PyTorch/,$p' "$OUT/torch.log"
echo "run-gpu-bench: exit $status"
exit $status
