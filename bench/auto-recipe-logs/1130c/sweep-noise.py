"""The LR finder's sweeps (CURVE lines of bench/AutoRecipe.java -Dcurve) against their own noise.
Usage: python3 sweep-noise.py A5.log B5a.log ...  Per seed: the valley's depth (highest to lowest
point of the smoothed curve, LrCurve's median-of-5 then mean-of-5) over the noise of single steps
(1.4826 x the median absolute residual of the raw losses around the smoothed curve)."""
import re, sys, statistics as st
import numpy as np

def smooth(ls):
    n = 0
    while n < len(ls) and np.isfinite(ls[n]): n += 1
    med = [float(np.median(ls[max(0, i - 2):min(n, i + 3)])) for i in range(n)]
    return [float(np.mean(med[max(0, i - 2):min(n, i + 3)])) for i in range(n)]

ratios = []
for f in sys.argv[1:]:
    seen = set()
    for line in open(f, errors='replace'):
        m = re.match(r'CURVE seed (\d+) (.*)', line)
        if not m or m.group(1) in seen: continue
        seen.add(m.group(1))
        pts = [tuple(map(float, p.split(':'))) for p in m.group(2).split()]
        lrs, ls = [p[0] for p in pts], [p[1] for p in pts]
        s = smooth(ls)
        noise = 1.4826 * float(np.median([abs(ls[i] - s[i]) for i in range(len(s))]))
        k = int(np.argmin(s)); depth = max(s[:k + 1]) - s[k]
        ratios.append(depth / noise)
        print('%s seed %s: %d steps, minimum at %.3g, depth %.2f, step noise %.2f, depth/noise %.1f'
              % (f, m.group(1), len(pts), lrs[k], depth, noise, depth / noise))
print('depth/noise: median %.1f, range %.1f-%.1f' % (st.median(ratios), min(ratios), max(ratios)))
