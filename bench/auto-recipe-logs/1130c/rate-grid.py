"""Per-seed rate grid (configs graft_lrX of bench/AutoRecipe.java) against the automatic run (graft).
Usage: python3 rate-grid.py A5.log ...  Prints, per split and shots, each rate's mean ± std over the
seeds and the automatic run's mean with the rates it picked."""
import re, sys, statistics as st

acc, auto = {}, {}
for f in sys.argv[1:]:
    for line in open(f, errors='replace'):
        m = re.match(r'(\d+)/(\d+) seed (\d+) (\S+)\s+acc ([0-9.]+) .*?cpu [0-9.]+ s (.*)', line)
        if not m: continue
        split, shots, seed, cfg, a, note = m.groups()
        key = (split, int(shots), int(seed))
        if cfg == 'graft':
            auto[key] = (float(re.search(r'lr ([0-9.e-]+)', note).group(1)), float(a))
        elif cfg.startswith('graft_lr'):
            acc.setdefault(key, {})[float(cfg[8:])] = float(a)
groups = {}
for key in acc: groups.setdefault(key[:2], []).append(key)
for g in sorted(groups):
    keys = sorted(groups[g])
    print(g, 'seeds', len(keys))
    for lr in sorted({l for k in keys for l in acc[k]}):
        v = [acc[k][lr] for k in keys if lr in acc[k]]
        print('  lr %.3f %.3f ± %.3f' % (lr, st.mean(v), st.stdev(v)))
    a = [auto[k] for k in keys if k in auto]
    print('  auto %.3f ± %.3f  picks %s' % (st.mean(x[1] for x in a), st.stdev(x[1] for x in a),
                                          ' '.join('%.4f' % x[0] for x in a)))
