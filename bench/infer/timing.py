#!/usr/bin/env python3
"""Whole-process timing of the three inference tools on every sample set.
Usage: timing.py RUNS SAMPLES_DIR OUT_DIR SCHEMAFORGE NODE_MODULES GENSON_CLI
Per run and tool: wall time (perf_counter), CPU time user+sys and peak RSS of the child (wait4
rusage, the numbers /usr/bin/time -v prints, at microsecond resolution). On a shared, loaded
machine wall time includes waiting for a core; CPU time does not, so both are reported."""
import os, statistics, subprocess, sys, time
from collections import defaultdict

runs, samples, out, sf, nm, genson = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
env = dict(os.environ, NODE_PATH=nm)
rows = defaultdict(list)

def measure(cmd):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode

sets = sorted(d for d in os.listdir(samples) if os.path.isdir(os.path.join(samples, d)))
with open(os.path.join(out, "times.tsv"), "w") as tsv:
    tsv.write("set\ttool\trun\twall_s\tcpu_s\tmaxrss_mib\trc\n")
    for run in range(runs):
        for s in sets:
            d = os.path.join(samples, s)
            files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".json"))
            top = s[:-1].capitalize() if s.endswith("s") else s.capitalize()
            cmds = {
                "schemaforge": [sf, "infer", "--name", top, "-o", os.path.join(out, f"schemaforge_{s}.json")] + files,
                "quicktype": [os.path.join(nm, ".bin", "quicktype"), "--lang", "schema", "--src-lang", "json",
                              "--top-level", top, "-o", os.path.join(out, f"quicktype_{s}.json")] + files,
                "genson-js": ["node", genson, d, os.path.join(out, f"genson-js_{s}.json")],
            }
            for tool, cmd in cmds.items():
                r = measure(cmd)
                rows[(s, tool)].append(r)
                tsv.write(f"{s}\t{tool}\t{run + 1}\t{r[0]:.4f}\t{r[1]:.4f}\t{r[2]:.1f}\t{r[3]}\n")

med = lambda xs: statistics.median(xs)
print(f"median of {runs} runs; wall and CPU (user+sys) seconds; ratio = other tool / schemaforge")
print("set\tsamples\tsf_wall\tqt_wall\tgenson_wall\tqt/sf_wall\tgenson/sf_wall\tsf_cpu\tqt_cpu\tgenson_cpu\tqt/sf_cpu\tgenson/sf_cpu\tRSS_MiB sf/qt/genson")
for s in sets:
    n = len([f for f in os.listdir(os.path.join(samples, s)) if f.endswith(".json")])
    w = {t: med([r[0] for r in rows[(s, t)]]) for t in ("schemaforge", "quicktype", "genson-js")}
    c = {t: med([r[1] for r in rows[(s, t)]]) for t in ("schemaforge", "quicktype", "genson-js")}
    m = {t: med([r[2] for r in rows[(s, t)]]) for t in ("schemaforge", "quicktype", "genson-js")}
    failed = [t for t in w if any(r[3] != 0 for r in rows[(s, t)])]
    print(f"{s}\t{n}\t{w['schemaforge']:.3f}\t{w['quicktype']:.3f}\t{w['genson-js']:.3f}\t"
          f"{w['quicktype'] / w['schemaforge']:.0f}x\t{w['genson-js'] / w['schemaforge']:.0f}x\t"
          f"{c['schemaforge']:.4f}\t{c['quicktype']:.3f}\t{c['genson-js']:.3f}\t"
          f"{c['quicktype'] / c['schemaforge']:.0f}x\t{c['genson-js'] / c['schemaforge']:.0f}x\t"
          f"{m['schemaforge']:.0f}/{m['quicktype']:.0f}/{m['genson-js']:.0f}" + (f"\tFAILED: {failed}" if failed else ""))
