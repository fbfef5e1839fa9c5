"""The seventh session's table of bench/auto-recipe.md (zero head + label smoothing) from the run logs.
Usage (from this folder): python3 summary.py
Per split and shots: the automatic recipe as shipped now (bench config graft_zh_ls0.1), as shipped before
(graft, logs of 1130b/1130c), the best fine-tuning cell, the automatic recipe without weights (graft_scratch),
paired differences over the seeds both have (mean ± standard error) and the cost: CPU time of the automatic
run over the best cell's, median of per-seed ratios. A later log's seed replaces an earlier one's."""
import glob, re, statistics as st

def read(files):
    rows = {}
    for f in files:
        for line in open(f, errors='replace'):
            m = re.match(r'(\d+)/(\d+) seed (\d+) (\S+)\s+acc ([0-9.]+) train ([0-9.]+) s(?: cpu ([0-9.]+) s)?', line)
            if not m: continue
            split, shots, seed, cfg, a, wall, cpu = m.groups()
            rows.setdefault((split, int(shots), cfg), {})[int(seed)] = (float(a), float(cpu) if cpu else None)
    return rows

old = sorted(glob.glob('../1130b-final-*.log')) + sorted(glob.glob('../1130c/grid-*cell.log')) \
    + sorted(glob.glob('../1130c/final-*.log')) + sorted(glob.glob('../1130c/more-*.log'))
new = [f for f in sorted(glob.glob('0*.log'))]
rows = read(old + new)
NEW = 'graft_zh_ls0.1'
ms = lambda d: '%.3f ± %.3f (n=%d)' % (st.mean(d.values()), st.stdev(d.values()) if len(d) > 1 else 0, len(d))
def paired(a, b):
    d = [a[s] - b[s] for s in a if s in b]
    return '%+.4f ± %.4f (%d seeds)' % (st.mean(d), st.stdev(d) / len(d) ** .5 if len(d) > 1 else 0, len(d)) if d else '-'
for split, shots in sorted({k[:2] for k in rows if k[2] == NEW}, key=lambda k: (k[1], k[0])):
    acc = lambda c: {s: v[0] for s, v in rows.get((split, shots, c), {}).items()}
    cells = [c for (sp, sh, c) in rows if (sp, sh) == (split, shots) and c.startswith('finetune')]
    cell = max(cells, key=lambda c: st.mean(acc(c).values())) if cells else None
    print('%s/%d  auto now %s  before %s' % (split, shots, ms(acc(NEW)), ms(acc('graft'))))
    print('      now - before %s' % paired(acc(NEW), acc('graft')))
    if cell:
        print('      best cell %s %s; now - cell %s' % (cell, ms(acc(cell)), paired(acc(NEW), acc(cell))))
        r = [rows[(split, shots, NEW)][s][1] / rows[(split, shots, cell)][s][1] for s in rows[(split, shots, NEW)]
             if s in rows[(split, shots, cell)] and rows[(split, shots, cell)][s][1]]
        if r: print('      cost vs the cell: CPU ratio median %.2f (%d seeds)' % (st.median(r), len(r)))
    if acc('graft_scratch'):
        print('      no weights %s; now - no weights %s' % (ms(acc('graft_scratch')), paired(acc(NEW), acc('graft_scratch'))))
