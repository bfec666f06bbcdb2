"""Random `variants` lists on three ops (every size dynamic; T = 8 static;
B = 2, H = 3, T = 8 static), against an oracle that checks every shape
point by point: each shape an op accepts must have exactly one variant and
each variant a shape. Bounds stay in 1..12 (or are out of range), so past
12 every value is served as 13 is and points 1..13 cover every case.
Prints one line; exits 1 if bsattn-opt and the oracle disagree on a list,
or if either verdict is too rare for the check to mean anything.

  python3 variant_oracle.py BSATTN_OPT [COUNT]
"""

import random
import re
import subprocess
import sys

OPS = [  # (q's B, H, T; None where dynamic)
    (None, None, None),
    (None, None, 8),
    (2, 3, 8),
]
KEYS = ("min_t_max", "max_t_max", "min_batch_heads", "max_batch_heads")


def memref(shape, elem):
    return "memref<%sx%s>" % ("x".join("?" if s is None else str(s)
                                        for s in shape), elem)


def op_text(sizes, variants):
    B, H, T = sizes
    blocks = None if T is None else -(-T // 128) + 1
    act, lse = memref((B, H, T, 128), "bf16"), memref((B, H, T), "f32")
    row_ptr, col_idx = memref((B, H, blocks), "i32"), memref((B, H, None), "i32")
    return f"""func.func @f(%q: {act}, %s: {memref((B,), "i32")},
    %r: {row_ptr}, %c: {col_idx}, %o: {act}, %l: {lse}) {{
  bsattn.attention #bsattn.csr pv = f16 ins(%q, %q, %q : {act}, {act}, {act})
      seq_lens(%s : {memref((B,), "i32")}) indices(%r, %c : {row_ptr}, {col_idx})
      outs(%o, %l : {act}, {lse}) {{variants = [{", ".join(variants)}]}}
  return
}}"""


def random_list(rng):
    """Bounds per variant; half of the lists partition the shapes, and a
    third of those have one bound moved."""
    if rng.random() < 0.5:
        cut = rng.randint(2, 12)
        axis = rng.choice(["t_max", "batch_heads"])
        lists = rng.choice([[{}], [{"max_" + axis: cut - 1}, {"min_" + axis: cut}],
                            [{"max_t_max": cut - 1},
                             {"min_t_max": cut, "max_batch_heads": 4},
                             {"min_t_max": cut, "min_batch_heads": 5}]])
        if rng.random() < 0.3:
            bounds = rng.choice(lists)
            key = rng.choice(KEYS)
            bounds[key] = bounds.get(key, 6) + rng.choice([-1, 1])
        return lists
    return [{key: rng.choice(list(range(1, 13)) + [0])
             for key in KEYS if rng.random() < 0.45}
            for _ in range(rng.randint(1, 4))]


def oracle(sizes, lists):
    B, H, T = sizes
    if any(v < 1 for bounds in lists for v in bounds.values()):
        return False
    for bounds in lists:
        for axis in ("t_max", "batch_heads"):
            if bounds.get("min_" + axis, 1) > bounds.get("max_" + axis, 13):
                return False
    ts = [T] if T is not None else range(1, 14)
    bhs = [B * H] if B is not None else range(1, 14)
    used = set()
    for t in ts:
        for bh in bhs:
            serving = [i for i, b in enumerate(lists)
                       if b.get("min_t_max", 1) <= t <= b.get("max_t_max", t)
                       and b.get("min_batch_heads", 1) <= bh
                       <= b.get("max_batch_heads", bh)]
            if len(serving) != 1:
                return False
            used.update(serving)
    return len(used) == len(lists)


def main():
    opt, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 400
    rng = random.Random(7)
    cases = []
    for i in range(count):
        sizes = rng.choice(OPS)
        lists = random_list(rng)
        variants = ['#bsattn.variant<"v%d", tuning = #bsattn.tuning<>%s>' % (
            j, "".join(", %s = %d" % (k, b[k]) for k in KEYS if k in b))
            for j, b in enumerate(lists)]
        cases.append((sizes, lists, op_text(sizes, variants)))
    source = "\n// -----\n".join(text for _, _, text in cases)
    proc = subprocess.run([opt, "-split-input-file", "-"], input=source,
                          capture_output=True, text=True)
    # One printed module per accepted input, nothing for a refused one.
    outputs = proc.stdout.split("// -----")
    if len(outputs) != count:
        print(f"FAIL: {len(outputs)} outputs for {count} inputs")
        sys.exit(1)
    verdicts = {True: 0, False: 0}
    for (sizes, lists, text), output in zip(cases, outputs):
        accepted = "bsattn.attention" in output
        if accepted != oracle(sizes, lists):
            print(f"FAIL: bsattn-opt {'accepts' if accepted else 'refuses'} "
                  f"what the oracle does not:\n{text}")
            sys.exit(1)
        verdicts[accepted] += 1
    if min(verdicts.values()) < count // 10:
        print(f"FAIL: too few of one verdict: {verdicts}")
        sys.exit(1)
    print(f"variants oracle: bsattn-opt agrees on all {count} lists")


if __name__ == "__main__":
    main()
