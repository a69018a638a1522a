#!/usr/bin/env python3
"""Independent check of NIR files written by the engine, with h5py instead of PureHDF.

Checks the layout NIR's reference reader (nir/serialization.py: nir.read, read_node, hdf2dict and the nodes'
from_dict) needs and the shapes its type check (NIRGraph.infer_types / check_types, nir/ir/utils.py) re-derives:
root dataset `version` and group `node`; `node/type` "NIRGraph"; `node/edges` an N x 2 array of strings; one group
per node under `node/nodes` with a scalar string `type` and exactly the fields its NIR class takes; float32 arrays
and int64 integers. Usage: check_nir.py FILE... Prints a JSON report (one entry per file: the chain of nodes with
every field's dtype, shape, distinct values and, for arrays up to 100000 values, the values) and exits 0; on the
first violation prints "FAIL: FILE: what" and exits 1.
check_nir.py --rewrite SRC DST copies SRC the way nir.write stores it: strings as h5py.string_dtype(), every array
gzip-compressed (nir.write's default), integers as numpy writes them.
"""
import json
import math
import sys

import h5py
import numpy as np

# The datasets of each node type (the keywords of its from_dict); "metadata" may be there too.
FIELDS = {
    "Input": {"shape"},
    "Output": {"shape"},
    "Conv2d": {"weight", "bias", "stride", "padding", "dilation", "groups", "input_shape"},
    "AvgPool2d": {"kernel_size", "stride", "padding"},
    "SumPool2d": {"kernel_size", "stride", "padding"},
    "Flatten": {"start_dim", "end_dim", "input_type"},
    "Affine": {"weight", "bias"},
    "LIF": {"tau", "r", "v_leak", "v_reset", "v_threshold"},
    "IF": {"r", "v_threshold", "v_reset"},
}
FLOATS = {"weight", "bias", "tau", "r", "v_leak", "v_reset", "v_threshold"}
SCALAR_INTS = {"groups", "start_dim", "end_dim"}


class Fail(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Fail(what)


def scalar_string(ds, where):
    need(isinstance(ds, h5py.Dataset), f"{where} is not a dataset")
    need(h5py.check_string_dtype(ds.dtype) is not None, f"{where} is not a string (dtype {ds.dtype})")
    need(ds.shape == (), f"{where} has shape {ds.shape}, not a scalar (the reference reader compares node['type'][()] with bytes)")
    value = ds[()]
    need(isinstance(value, bytes), f"{where} does not read as bytes")
    return value.decode("utf8")


def conv_out(shape, padding, dilation, kernel, stride):
    # nir.ir.utils.calculate_conv_output
    return [int(math.floor((shape[i] + 2 * padding[i] - dilation[i] * (kernel - 1) - 1) / stride[i] + 1)) for i in range(len(shape))]


def flatten_out(shape, start, end):
    # nir.ir.utils.calc_flatten_output
    start_shape = list(shape[:start]) if start != 0 else []
    middle = int(np.prod(shape[start:end + 1])) if end != -1 else int(np.prod(shape[start:]))
    end_shape = list(shape[end + 1:]) if end != -1 and end != len(shape) - 1 else []
    return start_shape + [middle] + end_shape


def field_report(ds):
    v = ds[()]
    a = np.asarray(v)
    r = {"dtype": str(ds.dtype), "shape": list(ds.shape)}
    if a.dtype.kind in "fiu":
        u = np.unique(a)
        r["unique"] = [float(x) for x in u[:16]]
        r["distinct"] = int(u.size)
        if a.size <= 100000:
            r["values"] = [float(x) for x in a.ravel()]
    return r


def check(path):
    with h5py.File(path, "r") as f:
        need(set(f.keys()) == {"node", "version"}, f"the root holds {sorted(f.keys())}, not exactly 'node' and 'version'")
        version = scalar_string(f["version"], "version")
        g = f["node"]
        need(isinstance(g, h5py.Group), "'node' is not a group")
        need(set(g.keys()) <= {"type", "nodes", "edges", "metadata"} and {"type", "nodes", "edges"} <= set(g.keys()),
             f"node holds {sorted(g.keys())}")
        need(scalar_string(g["type"], "node/type") == "NIRGraph", "node/type is not NIRGraph")
        e = g["edges"]
        need(h5py.check_string_dtype(e.dtype) is not None, f"node/edges is not strings (dtype {e.dtype})")
        need(len(e.shape) == 2 and e.shape[1] == 2 and e.shape[0] > 0, f"node/edges has shape {e.shape}, not N x 2")
        edges = [(a.decode("utf8"), b.decode("utf8")) for a, b in e[()]]  # as read_node does
        metadata = {}
        if "metadata" in g:
            metadata = {k: (v[()].decode("utf8") if isinstance(v[()], bytes) else str(v[()])) for k, v in g["metadata"].items()}
        nodes = {}
        for name, n in g["nodes"].items():
            where = f"node/nodes/{name}"
            need(isinstance(n, h5py.Group), f"{where} is not a group")
            t = scalar_string(n["type"], where + "/type") if "type" in n else None
            need(t in FIELDS, f"{where}/type is {t!r}, not one of {sorted(FIELDS)}")
            fields = set(n.keys()) - {"type", "metadata"}
            need(fields == FIELDS[t], f"{where} ({t}) has fields {sorted(fields)}, NIR's {t} takes {sorted(FIELDS[t])}")
            for k in fields:
                ds = n[k]
                need(isinstance(ds, h5py.Dataset), f"{where}/{k} is not a dataset")
                if k in FLOATS:
                    need(ds.dtype == np.float32, f"{where}/{k} is {ds.dtype}, not float32")
                else:
                    need(ds.dtype == np.int64, f"{where}/{k} is {ds.dtype}, not int64")
                    need((ds.shape == ()) == (k in SCALAR_INTS), f"{where}/{k} has shape {ds.shape}")
            nodes[name] = (t, n)
        for a, b in edges:
            need(a in nodes and b in nodes, f"edge ({a}, {b}) names a node that does not exist")
        inputs = [k for k, (t, _) in nodes.items() if t == "Input"]
        outputs = [k for k, (t, _) in nodes.items() if t == "Output"]
        need(len(inputs) == 1 and len(outputs) == 1, f"{len(inputs)} Input and {len(outputs)} Output nodes")

        # Walk the chain from the Input and re-derive every shape as NIR's infer_types does.
        chain, current, previous = [], inputs[0], None
        while True:
            t, n = nodes[current]
            get = lambda k: n[k][()]
            if t == "Input":
                inp = out = list(get("shape"))
            elif t == "Output":
                inp = out = list(get("shape"))
            elif t == "Conv2d":
                w = get("weight")
                need(w.ndim == 4, f"{current}: weight is not 4-d")
                need(get("bias").shape == (w.shape[0],), f"{current}: bias shape {get('bias').shape}")
                need(get("stride").shape == (2,) and get("padding").shape == (2,) and get("dilation").shape == (2,)
                     and get("input_shape").shape == (2,), f"{current}: stride, padding, dilation, input_shape are not pairs")
                inp = [w.shape[1], *get("input_shape")]
                out = [w.shape[0], *conv_out(list(get("input_shape")), get("padding"), get("dilation"), w.shape[2], get("stride"))]
            elif t in ("AvgPool2d", "SumPool2d"):
                need(previous is not None and len(previous) == 3, f"{current}: input is not [C H W]")
                need(all(get(k).shape == (2,) for k in ("kernel_size", "stride", "padding")), f"{current}: fields are not pairs")
                inp = previous
                ks = get("kernel_size")
                need(ks[0] == ks[1], f"{current}: non-square pooling")  # NIR's rule indexes one kernel size
                out = [previous[0], *conv_out(previous[1:], get("padding"), [1, 1], int(ks[0]), get("stride"))]
            elif t == "Flatten":
                inp = list(get("input_type"))
                out = flatten_out(inp, int(get("start_dim")), int(get("end_dim")))
                need(int(np.prod(inp)) == int(np.prod(out)), f"{current}: Flatten changes the number of elements")
            elif t == "Affine":
                w = get("weight")
                need(w.ndim == 2, f"{current}: weight is not 2-d")
                need(get("bias").shape == (w.shape[0],), f"{current}: bias shape")
                inp, out = [w.shape[1]], [w.shape[0]]
            elif t in ("LIF", "IF"):
                shapes = {k: n[k].shape for k in FIELDS[t]}
                need(len(set(shapes.values())) == 1, f"{current}: parameters of different shapes {shapes}")
                inp = out = list(n["r"].shape)
            inp, out = [int(x) for x in inp], [int(x) for x in out]
            need(all(x > 0 for x in out), f"{current}: empty output {out}")
            if previous is not None:
                need(inp == previous, f"type mismatch: {chain[-1]['name']}.output {previous} -> {current}.input {inp}")
            chain.append({"name": current, "type": t, "input": inp, "output": out,
                          "fields": {k: field_report(n[k]) for k in sorted(FIELDS[t])}})
            previous = out
            if current == outputs[0]:
                break
            nxt = [b for a, b in edges if a == current]
            need(len(nxt) == 1, f"{current} has {len(nxt)} outgoing edges")
            current = nxt[0]
            need(all(c["name"] != current for c in chain), f"cycle through {current}")
        need(len(chain) == len(nodes) and len(edges) == len(chain) - 1, "nodes or edges off the Input-Output chain")
        return {"file": path, "version": version, "edges": edges, "metadata": metadata, "chain": chain}


def rewrite(src, dst):
    def copy(s, d):
        for k, v in s.items():
            if isinstance(v, h5py.Group):
                copy(v, d.create_group(k))
                continue
            a = v[()]
            if isinstance(a, bytes):
                d.create_dataset(k, data=a.decode("utf8"), dtype=h5py.string_dtype())
            elif isinstance(a, np.ndarray) and a.dtype.kind == "O":
                d.create_dataset(k, data=a, dtype=h5py.string_dtype())
            elif isinstance(a, np.ndarray):
                d.create_dataset(k, data=a, dtype=a.dtype, compression="gzip")
            else:
                d.create_dataset(k, data=a)
    with h5py.File(src, "r") as s, h5py.File(dst, "w") as d:
        copy(s, d)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--rewrite":
        rewrite(sys.argv[2], sys.argv[3])
        return 0
    reports = []
    for path in sys.argv[1:]:
        try:
            reports.append(check(path))
        except Fail as e:
            print(f"FAIL: {path}: {e}")
            return 1
    print(json.dumps(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
