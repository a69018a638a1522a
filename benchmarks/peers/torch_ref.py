"""Peer baseline: the same spiking VGG trained in PyTorch, timed on one GPU (cuDNN) or on the CPU (oneDNN).

The project's copy of ../shared/bench/torch_ref.py with --device cpu|cuda, --threads and the 'small' arch
(the engine's CPU default, 16,A,32,A); the step, the timing and the JSON line are unchanged, so the figures sit
next to `dotnet run --project benchmarks/Aia.Benchmarks -c Release -- step ...`.

Multi-step LIF (lambda=0.5, Vth=1, hard reset), ATan surrogate, conv-BN-neuron blocks,
mean-over-time logits, cross entropy, Adam. Neurons: lif | aia | cached_aia.
Modes: eager (python loop over T), compile (torch.compile of the same model).
Prints one JSON line per config.
"""
import argparse, json, math, time
import torch, torch.nn as nn, torch.nn.functional as F

class SpikeFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, v, alpha):
        ctx.save_for_backward(v); ctx.alpha = alpha
        return (v >= 0).to(v.dtype)
    @staticmethod
    def backward(ctx, g):
        (v,) = ctx.saved_tensors; a = ctx.alpha
        return g * (a / 2) / (1 + (math.pi / 2 * a * v) ** 2), None

class AiaGrad(torch.autograd.Function):
    """identity forward, f'(x)=x backward (uncached AIA, Eq. 6)."""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x); return x.clone()
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors; return g * x

class Neuron(nn.Module):
    def __init__(self, channels, kind, lam=0.5, vth=1.0, alpha=2.0):
        super().__init__(); self.kind, self.lam, self.vth, self.alpha = kind, lam, vth, alpha
        if kind == 'cached_aia':
            self.beta = nn.Parameter(torch.ones(channels))
    def forward(self, x):  # x: [T, B, C, ...]
        if self.kind == 'aia':
            x = AiaGrad.apply(x)
        elif self.kind == 'cached_aia':
            shape = [1, 1, -1] + [1] * (x.dim() - 3)
            x = x * self.beta.view(shape)
        u = torch.zeros_like(x[0]); o = torch.zeros_like(x[0]); out = []
        for t in range(x.shape[0]):
            u = self.lam * u * (1 - o) + x[t]
            o = SpikeFn.apply(u - self.vth, self.alpha)
            out.append(o)
        return torch.stack(out)

class SeqConvBN(nn.Module):
    def __init__(self, cin, cout):
        super().__init__(); self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False); self.bn = nn.BatchNorm2d(cout)
    def forward(self, x):
        T, B = x.shape[:2]
        y = self.bn(self.conv(x.flatten(0, 1)))
        return y.view(T, B, *y.shape[1:])

class SeqPool(nn.Module):
    def forward(self, x):
        T, B = x.shape[:2]; y = F.avg_pool2d(x.flatten(0, 1), 2)
        return y.view(T, B, *y.shape[1:])

CFG = {
    'small': [16, 'A', 32, 'A'],  # the engine's CPU default model (Linear(32 * (size/4)^2, 10) classifier)
    'vggsnn': [64, 128, 'A', 256, 256, 'A', 512, 512, 'A', 512, 512, 'A'],  # TET VGGSNN: 8 conv + 1 fc = the usual DVS "VGG-9"
    'vgg9': [64, 64, 'A', 128, 128, 'A', 256, 256, 256, 'A'],   # BNTT-style VGG-9 (7 conv + 2 fc)
    'vgg11': [64, 128, 'A', 256, 256, 'A', 512, 512, 'A', 512, 512],
}

class Net(nn.Module):
    def __init__(self, arch, neuron, size, classes=10, cin=2):
        super().__init__(); layers = []; c = cin; s = size
        for v in CFG[arch]:
            if v == 'A':
                layers.append(SeqPool()); s //= 2
            else:
                layers += [SeqConvBN(c, v), Neuron(v, neuron)]; c = v
        self.features = nn.Sequential(*layers)
        if arch in ('vggsnn', 'small'):
            self.fc1 = None; self.flat = True; self.fc2 = nn.Linear(c * s * s, classes)
        elif arch == 'vgg9':
            self.fc1 = nn.Linear(c * s * s, 1024, bias=False); self.n1 = Neuron(1024, neuron)
            self.fc2 = nn.Linear(1024, classes); self.flat = False
        else:
            self.fc1 = None; self.flat = False; self.fc2 = nn.Linear(c, classes)
    def forward(self, x):
        y = self.features(x)
        T, B = y.shape[:2]
        if self.fc1 is not None:
            y = self.n1(self.fc1(y.flatten(2)))
        elif self.flat:
            y = y.flatten(2)
        else:
            y = y.mean(dim=(3, 4))
        return self.fc2(y).mean(0)

def run(args, neuron, mode):
    torch.manual_seed(0)
    dev = args.device
    sync = torch.cuda.synchronize if dev == 'cuda' else (lambda: None)
    net = Net(args.arch, neuron, args.size).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    step_net = torch.compile(net) if mode == 'compile' else net
    x = (torch.rand(args.T, args.batch, 2, args.size, args.size, device=dev) < 0.2).float()
    y = torch.randint(0, 10, (args.batch,), device=dev)
    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(step_net(x), y); loss.backward(); opt.step(); return loss
    for _ in range(args.warmup): step()
    sync()
    if dev == 'cuda': torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    for _ in range(args.iters): step()
    sync(); dt = (time.perf_counter() - t0) / args.iters
    net.eval()
    with torch.no_grad():
        for _ in range(3): step_net(x)
        sync(); t1 = time.perf_counter()
        for _ in range(args.iters): step_net(x)
        sync(); di = (time.perf_counter() - t1) / args.iters
    net.train()
    print(json.dumps(dict(peer='pytorch-' + mode, torch=torch.__version__, arch=args.arch, neuron=neuron, T=args.T,
        batch=args.batch, size=args.size, tf32_conv=torch.backends.cudnn.allow_tf32,
        train_step_ms=round(dt * 1e3, 3), train_samples_per_s=round(args.batch / dt, 1),
        infer_ms=round(di * 1e3, 3), device=dev, threads=torch.get_num_threads(),
        peak_mem_mib=round(torch.cuda.max_memory_allocated() / 2**20, 1) if dev == 'cuda' else None)), flush=True)

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--arch', default='vggsnn'); p.add_argument('--T', type=int, default=10)
    p.add_argument('--batch', type=int, default=32); p.add_argument('--size', type=int, default=64)
    p.add_argument('--iters', type=int, default=20); p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--neurons', default='lif,aia,cached_aia'); p.add_argument('--modes', default='eager,compile')
    p.add_argument('--fp32', action='store_true', help='disable TF32 in cuDNN/cuBLAS')
    p.add_argument('--device', default='cuda', choices=['cuda', 'cpu'])
    p.add_argument('--threads', type=int, default=0, help='CPU threads (default: all cores)')
    a = p.parse_args()
    if a.device == 'cpu':
        import os; torch.set_num_threads(a.threads or os.cpu_count())
    if a.fp32:
        torch.backends.cudnn.allow_tf32 = False; torch.backends.cuda.matmul.allow_tf32 = False
    for m in a.modes.split(','):
        for n in a.neurons.split(','):
            run(a, n, m)
