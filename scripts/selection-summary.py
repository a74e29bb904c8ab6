"""Mean accuracy per method, objective and label fraction over the evaluate reports in a directory."""
import collections
import glob
import json
import sys

directory = sys.argv[1] if len(sys.argv) > 1 else "results/selection"
rows = collections.defaultdict(dict)
for f in sorted(glob.glob(directory + "/*.json")):
    report = json.load(open(f))
    for r in report["results"]:
        rows[(r["method"], r["objective"] or "-", r["labelFraction"])][report["dataset"]] = r["accuracy"]["mean"]
datasets = sorted({d for v in rows.values() for d in v})
print("datasets", " ".join(datasets))
for fraction in sorted({k[2] for k in rows}):
    print("--- labels", fraction)
    for key in sorted(k for k in rows if k[2] == fraction):
        v = rows[key]
        present = [d for d in datasets if d in v]
        mean = sum(v[d] for d in present) / len(present)
        print("%-16s %-24s n=%d mean %.3f  %s" % (key[0], key[1], len(present), mean,
                                                 " ".join("%.3f" % v[d] for d in present)))
