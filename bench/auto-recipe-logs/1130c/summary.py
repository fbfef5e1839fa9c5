"""The table of bench/auto-recipe.md ("No LR finder below 40 images") from the run logs.
Usage (from this folder): python3 summary.py ../1130b-final-*.log grid-*cell.log final-*.log more-*.log
Per split/shots/config: mean ± std over the seeds (a later log's seed replaces an earlier one's);
per split: the automatic run's cost over the best cell's, median of the per-seed CPU-time ratios."""
import re, sys, statistics as st

rows = {}
for f in sys.argv[1:]:
    for line in open(f, errors='replace'):
        m = re.match(r'(\d+)/(\d+) seed (\d+) (\S+)\s+acc ([0-9.]+) train ([0-9.]+) s(?: cpu ([0-9.]+) s)?', line)
        if not m: continue
        split, shots, seed, cfg, a, wall, cpu = m.groups()
        rows.setdefault((split, int(shots), cfg), {})[int(seed)] = (float(a), float(cpu) if cpu else None)
for k in sorted(rows):
    v = [x[0] for x in rows[k].values()]
    print('%s/%d %-36s n=%2d %.3f ± %.3f' % (k + (len(v), st.mean(v), st.stdev(v) if len(v) > 1 else 0)))
    if k[2] == 'graft':  # cost against the best fine-tuning cell of the same split and shots
        cells = [c for c in rows if c[:2] == k[:2] and c[2].startswith('finetune')]
        if not cells: continue
        cell = max(cells, key=lambda c: st.mean(x[0] for x in rows[c].values()))
        r = [rows[k][s][1] / rows[cell][s][1] for s in rows[k] if s in rows[cell] and rows[k][s][1] and rows[cell][s][1]]
        if r: print('    cost vs %s: CPU ratio median %.2f (%d seeds)' % (cell[2], st.median(r), len(r)))
