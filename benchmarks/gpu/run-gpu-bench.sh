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
NEW_KERNELS="${NEW_KERNELS:-forward=V4,backward-data=V4,backward-weights=V2,pointwise=V2}"
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
  timeout "$limit" "$@" 2>&1 | tee "$OUT/$name.log"
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
[[ -f "$OUT/network.log" ]] && { echo "--- network, default kernels"; tail -8 "$OUT/network.log"; }
[[ -f "$OUT/network-new.log" ]] && { echo "--- network, $NEW_KERNELS"; tail -8 "$OUT/network-new.log"; }
[[ -f "$OUT/torch.log" ]] && sed -n '/^== PyTorch/,$p' "$OUT/torch.log"
echo "run-gpu-bench: exit $status"
exit $status
