#!/usr/bin/env bash
# Builds the bundle that travels to a GPU machine with no .NET on it: a self-contained, single-file, compressed
# publish (no trimming: trimming breaks ILGPU) of the kernel lab's program `nativeseg-gpu`
# (kernels/dev/NativeSeg.Kernels.Dev), which runs the lab's `bench-kernels` and `bench-network` and every command
# of the product's `nativeseg` (check, bench, ...) in one file. The product's CLI compiles no benchmark or lab source.
# The benchmarks program itself is not bundled: with its own runtime copy, ONNX Runtime and BenchmarkDotNet it
# published at 59 MiB, over what a device call may carry next to this bundle (64 MiB in all).
# Output: publish/gpu-bundle/nativeseg-gpu (git-ignored through /publish/), which the device `run` call names in
# its carry list. Fails if the bundle reaches 56 MiB.
#
#   benchmarks/gpu/build-bundle.sh            (intermediate build files go to $BUNDLE_ARTIFACTS, default /tmp/art-gpu-bundle)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
artifacts="${BUNDLE_ARTIFACTS:-/tmp/art-gpu-bundle}"
bundle="$root/publish/gpu-bundle"
limit_mib=56

rm -rf "$bundle"
mkdir -p "$bundle"
publish() {
  dotnet publish "$1" -c Release -r linux-x64 --self-contained \
    -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true \
    -p:IncludeNativeLibrariesForSelfExtract=true -p:PublishTrimmed=false \
    --artifacts-path "$artifacts" -o "$2" --nologo -v quiet
}
publish "$root/kernels/dev/NativeSeg.Kernels.Dev/NativeSeg.Kernels.Dev.csproj" "$bundle"
# Debug symbols are not needed there and only cost transfer size.
find "$bundle" -name '*.pdb' -delete

size_kib=$(du -sk "$bundle" | cut -f1)
echo "bundle: $bundle"
ls -la "$bundle"
echo "bundle size: $((size_kib / 1024)) MiB ($size_kib KiB)"
if (( size_kib >= limit_mib * 1024 )); then
  echo "bundle is over $limit_mib MiB: too close to the 64 MiB the device call may carry" >&2
  exit 1
fi
