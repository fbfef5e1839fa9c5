"""The eighth session's tables of bench/auto-recipe.md (the whole model trained alike from 150 images) from the logs.
Usage (from this folder): python3 summary.py
The bench config graft_bm1_bntrain (backbone at the head's rate, BatchNorm batch statistics) is the shipped rule at
150 images and more; the logs' graft from 1130d and before, and graft in the 20- and 30-shot logs here (run on the
code before the change), is the rule before; graft in *-new*.log is the shipped code (it reproduces graft_bm1_bntrain
on seed 0 of B/50 exactly). Paired differences are over the seeds both have (mean ± standard error)."""
import glob, re, statistics as st

def read(files):
    rows = {}
    for f in files:
        new = '-new' in f
        for line in open(f, errors='replace'):
            m = re.match(r'(\d+)/(\d+) seed (\d+) (\S+)\s+acc ([0-9.]+)', line)
            if not m: continue
            split, shots, seed, cfg, a = m.groups()
            if cfg == 'graft_zh_ls0.1': cfg = 'graft'            # the seventh session's name for its shipped rule
            if new and cfg == 'graft': cfg = 'graft_bm1_bntrain'  # the shipped code at 150+ images
            rows.setdefault((split, int(shots)), {}).setdefault(cfg, {})[int(seed)] = float(a)
    return rows

rows = read(sorted(glob.glob('../1130d/0*.log')) + sorted(glob.glob('0*.log')))
# the 50-shot grid cells of earlier sessions (fine-tuning cells only: their graft lines are older rules)
for k, d in read(['../1130b-final-B50.log', '../1130b-final-C50.log', '../1130c/more-C50.log']).items():
    for c, v in d.items():
        if c.startswith('finetune'): rows.setdefault(k, {}).setdefault(c, {}).update(v)
mean = lambda d: '%.3f ± %.3f (%d)' % (st.mean(d.values()), st.stdev(d.values()) if len(d) > 1 else 0, len(d))
def paired(a, b):
    d = [a[s] - b[s] for s in a if s in b]
    return '%+.3f ± %.3f (%d)' % (st.mean(d), st.stdev(d) / len(d) ** .5 if len(d) > 1 else 0, len(d)) if d else '-'

print('Whole model alike (graft_bm1_bntrain) against the rule before (graft), paired:')
for (split, shots), d in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    if 'graft_bm1_bntrain' in d and 'graft' in d:
        print('  %s/%d: %s vs %s -> %s' % (split, shots, mean(d['graft_bm1_bntrain']), mean(d['graft']),
                                           paired(d['graft_bm1_bntrain'], d['graft'])))
print('\n50 shots: shipped, before, best grid cell, no weights')
for split in ('01258', '02346'):
    d = rows[(split, 50)]
    new, old, scr = d['graft_bm1_bntrain'], d['graft'], d.get('graft_scratch', {})
    cells = {c: v for c, v in d.items() if c.startswith('finetune')}
    best = max(cells, key=lambda c: st.mean(cells[c].values()))
    print('  %s: shipped %s; before %s; best cell %s %s; no weights %s' % (split, mean(new), mean(old), best, mean(cells[best]), mean(scr)))
    for c, v in sorted(cells.items()):
        print('     cell %-48s %s  shipped - cell on its seeds %s' % (c, mean(v), paired(new, v)))
    print('     shipped - before %s; shipped - no weights %s; before - no weights %s' % (paired(new, old), paired(new, scr), paired(old, scr)))
