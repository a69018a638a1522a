#!/usr/bin/env bash
# The GPU measurement of issue 10, in at most about 8 minutes on an H100/H200, from a self-contained publish
# (no .NET on the GPU machine). Prepare on a machine with the SDK, from the repository root:
#     bash benchmarks/gpu/bundle.sh     (one publish of both programs, about 36 MB: it fits the device tool's carry)
# then on the GPU machine (the device tool's run with carry [".device"]):
#     bash benchmarks/gpu/run.sh [.device/bundle.tar.xz] [results.jsonl]
# It runs: aia devices; aia verify --device cuda in fp32, tf32 and bf16; the kernel benchmarks (GFLOP/s) in each
# precision next to cuDNN (torch.nn.functional.conv2d on the same VGGSNN layers, when torch is present); the
# training step of VGGSNN, T 10, batch 32, 64x64 with LIF and cached AIA in each precision; and the PyTorch peer
# (benchmarks/peers/torch_ref.py, eager and torch.compile). Every JSON line goes to one file (default
# ${OUT:-.}/gpu-results.jsonl); the full text output to gpu-run.log next to it. Each stage has a time limit (all
# together 475 s), a stage that would end past BUDGET_S (480) is skipped, and a failed stage is recorded as
# {"stage": ..., "exit": N} while the rest runs.
# DEVICE=cpu runs every stage on the CPU accelerator at toy sizes instead (verify in fp32 only, the kernels at
# 1/256, the steps at T 2, batch 2, 32x32, time limits x 8, cuDNN and a CUDA-only peer skipped): a check of the
# script and the bundle on a machine without a GPU, not a measurement.
set -uo pipefail
bundle=${1:-.device/bundle.tar.xz}
results=${2:-${OUT:-.}/gpu-results.jsonl}
log="$(dirname "$results")/gpu-run.log"
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$results"
: > "$log"
start=$(date +%s)
device=${DEVICE:-cuda}
case "$device" in
  cuda) slow=1; verify_args=(--precision all); kernel_args=(--iterations 10)
        step_args=(-T 10 --size 64 --batch 32 --iterations 10); peer_args=(--T 10 --size 64 --batch 32 --iters 10 --modes eager,compile) ;;
  cpu)  slow=8; verify_args=(--precision fp32); kernel_args=(--iterations 2 --scale 256)
        step_args=(-T 2 --size 32 --batch 2 --iterations 2); peer_args=(--T 2 --size 32 --batch 2 --iters 2 --warmup 1 --modes eager) ;;
  *) echo "DEVICE must be cuda or cpu, not '$device'" >&2; exit 2 ;;
esac
budget=$(( ${BUDGET_S:-480} * slow ))

[ -f "$bundle" ] || { echo "no bundle at $bundle (make it with device-bundle.sh, see the header)" >&2; exit 1; }
tar xJf "$bundle" -C "$work" || { echo "cannot unpack $bundle" >&2; exit 1; }
# bundle.sh puts both programs in aia/; device-bundle.sh in Aia.Cli/ and Aia.Benchmarks/.
aia=$(find "$work" -maxdepth 2 -type f -name aia | head -1)
bench=$(find "$work" -maxdepth 2 -type f -name Aia.Benchmarks | head -1)
[ -n "$aia" ] && [ -x "$aia" ] && [ -n "$bench" ] && [ -x "$bench" ] || { echo "the bundle lacks the aia or Aia.Benchmarks executable" >&2; exit 1; }
peer="$root/benchmarks/peers/torch_ref.py"
[ -f "$peer" ] || peer="$work/torch_ref.py"

# stage NAME SECONDS CMD...: runs CMD with a time limit, its output into the log, its JSON lines into the results.
stage() {
  local name=$1 limit=$(( $2 * slow )); shift 2
  if [ $(( $(date +%s) - start + limit )) -gt "$budget" ]; then
    echo "{\"stage\": \"$name\", \"skipped\": \"over the ${budget} s budget\"}" >> "$results"; return 0
  fi
  echo "== $name ($(( $(date +%s) - start )) s)" | tee -a "$log"
  timeout "$limit" "$@" > "$work/out.txt" 2>&1
  local rc=$?
  cat "$work/out.txt" >> "$log"
  grep -E '^\{.*\}$' "$work/out.txt" | python3 -c "
import json, sys
for line in sys.stdin:
    d = json.loads(line); d['stage'] = '$name'; print(json.dumps(d))" >> "$results"
  [ "$rc" -eq 0 ] || echo "{\"stage\": \"$name\", \"exit\": $rc}" >> "$results"
  return 0
}

# Text outputs as JSON lines: aia devices and aia verify.
as_json() {
  python3 -c "
import json, sys
name = sys.argv[1]
for line in open(sys.argv[2]):
    line = line.rstrip()
    if line: print(json.dumps({'stage': name, 'line': line}))" "$1" "$2" >> "$results"
}

echo "== devices (DEVICE=$device)" | tee -a "$log"
timeout 15 "$aia" devices > "$work/devices.txt" 2>&1; cat "$work/devices.txt" >> "$log"; as_json devices "$work/devices.txt"
echo "== verify ($(( $(date +%s) - start )) s)" | tee -a "$log"
timeout $(( 90 * slow )) "$aia" verify --device "$device" "${verify_args[@]}" > "$work/verify.txt" 2>&1
echo "{\"stage\": \"verify\", \"exit\": $?}" >> "$results"; cat "$work/verify.txt" >> "$log"; as_json verify "$work/verify.txt"

for p in fp32 tf32 bf16; do
  stage "kernels-$p" 25 "$bench" --device "$device" --precision "$p" --filter conv "${kernel_args[@]}" --json
done

# cuDNN on the same layers (images = T 10 x batch 32), forward, backward-data, backward-weight.
if [ "$device" = cuda ] && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  stage cudnn 45 python3 - <<'PY'
import json, torch, torch.nn.functional as F
layers = [(2, 64, 64), (64, 128, 64), (128, 256, 32), (256, 256, 32), (256, 512, 16), (512, 512, 16), (512, 512, 8), (512, 512, 8)]
n = 320
def ms(f, iters=10):
    for _ in range(3): f()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    for _ in range(iters): f()
    e.record(); torch.cuda.synchronize()
    return s.elapsed_time(e) / iters
for precision in ['fp32', 'tf32', 'bf16']:
    torch.backends.cudnn.allow_tf32 = precision == 'tf32'
    torch.backends.cuda.matmul.allow_tf32 = precision == 'tf32'
    dtype = torch.bfloat16 if precision == 'bf16' else torch.float32
    for i, (cin, cout, size) in enumerate(layers):
        x = torch.randn(n, cin, size, size, device='cuda', dtype=dtype, requires_grad=True)
        w = torch.randn(cout, cin, 3, 3, device='cuda', dtype=dtype, requires_grad=True)
        y = F.conv2d(x, w, padding=1); dy = torch.randn_like(y)
        flops = 2.0 * n * cout * size * size * cin * 9
        cases = {'forward': lambda: F.conv2d(x, w, padding=1),
                 'backward-data': lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=1),
                 'backward-weight': lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=1)}
        for name, f in cases.items():
            t = ms(f)
            print(json.dumps({'peer': 'cudnn', 'kernel': f'conv{i + 1}.{name}', 'shape': f'[{n},{cin},{size},{size}]->{cout}',
                              'precision': precision, 'ms': round(t, 4), 'gflops': round(flops / t / 1e6, 1)}))
PY
else
  echo '{"stage": "cudnn", "skipped": "no torch with CUDA"}' >> "$results"
fi

for p in fp32 tf32 bf16; do
  for neuron in lif cached-aia; do
    stage "step-$neuron-$p" 25 "$bench" step --device "$device" --precision "$p" --model vggsnn --neuron "$neuron" "${step_args[@]}"
  done
done

if python3 -c "import torch" 2>/dev/null; then
  stage torch-peer 100 python3 "$peer" --device "$device" --arch vggsnn --neurons lif,cached_aia "${peer_args[@]}"
else
  echo '{"stage": "torch-peer", "skipped": "no torch"}' >> "$results"
fi
echo "== done in $(( $(date +%s) - start )) s; $(wc -l < "$results") JSON lines in $results" | tee -a "$log"
