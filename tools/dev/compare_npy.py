#!/usr/bin/env python3
"""Compare two .npy tensors elementwise.

Usage: tools/compare_npy.py A.npy B.npy [--rtol 1e-3] [--atol 1e-4]

B is the reference: passes iff |a - b| <= atol + rtol * |b| everywhere
(numpy.isclose semantics, NaNs equal only to NaNs at the same position).
Prints max abs error, max rel error, and the index of the worst element
(largest excess over the tolerance).  Exit 0 on pass, 1 on mismatch
(including shape/dtype-kind mismatch), 2 on usage or file errors.
"""

import argparse
import sys

import numpy as np


def compare(a, b, rtol, atol):
    """Returns (ok, report lines)."""
    lines = [f"A: {a.dtype}{list(a.shape)}  B: {b.dtype}{list(b.shape)}"]
    if a.shape != b.shape:
        return False, lines + ["shape mismatch"]
    if a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
        return False, lines + [f"unsupported dtype kind: {a.dtype} / {b.dtype}"]
    if a.size == 0:
        return True, lines + ["empty tensors: equal"]

    # float64 so the comparison itself adds no rounding; bool -> 0/1.
    a64 = a.astype(np.float64)
    b64 = b.astype(np.float64)
    nan_a, nan_b = np.isnan(a64), np.isnan(b64)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(a64 - b64)
        # inf == inf of the same sign is a match, not an inf-inf = nan error.
        same_inf = np.isinf(a64) & (a64 == b64)
        diff[same_inf] = 0.0
        tol = atol + rtol * np.abs(b64)
        bad = ~(diff <= tol)  # NaN diffs count as bad ...
    bad &= ~(nan_a & nan_b)  # ... unless both sides are NaN
    diff[nan_a & nan_b] = 0.0

    finite = np.isfinite(diff)
    max_abs = float(diff[finite].max()) if finite.any() else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(b64 != 0, diff / np.abs(b64), np.where(diff == 0, 0.0, np.inf))
    max_rel = float(np.nanmax(rel))

    # Worst element: largest excess over its tolerance (non-finite first).
    with np.errstate(invalid="ignore"):
        excess = np.where(np.isfinite(diff), diff - tol, np.inf)
    worst = np.unravel_index(int(np.argmax(excess)), a.shape)
    n_bad = int(bad.sum())
    lines += [
        f"max abs err: {max_abs:.6g}",
        f"max rel err: {max_rel:.6g}",
        f"worst index: {tuple(int(i) for i in worst)}  A={a64[worst]!r}  B={b64[worst]!r}  "
        f"|A-B|={float(diff[worst]):.6g}  tol={float(tol[worst]):.6g}",
        f"mismatches:  {n_bad} / {a.size}  (rtol={rtol:g}, atol={atol:g})",
    ]
    return n_bad == 0, lines


def main():
    ap = argparse.ArgumentParser(description="Compare A.npy against reference B.npy.")
    ap.add_argument("a")
    ap.add_argument("b", help="reference")
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-4)
    args = ap.parse_args()
    try:
        a = np.load(args.a, allow_pickle=False)
        b = np.load(args.b, allow_pickle=False)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    ok, lines = compare(a, b, args.rtol, args.atol)
    print("\n".join(lines))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
