#!/usr/bin/env python3
"""Whole-process time of `schemaforge generate` vs quicktype 26 (JSON Schema -> C++).
Usage: timing.py RUNS SCHEMAS_DIR OUT_DIR SCHEMAFORGE QUICKTYPE
Two ways a build runs a generator: one process per schema (as schemaforge_generate's custom
commands do) and 100 schemas in one call (the schemas copied under 100 names). Per run and tool:
wall time (perf_counter) and CPU time user+sys of the child (wait4 rusage); on a loaded machine
wall time includes waiting for a core, CPU time does not, so both are reported.
Each run writes into the output of the run before, as a build that runs a generator again does:
schemaforge then finds its headers unchanged and rewrites nothing. The 100-schema call is also
timed into an empty directory, where every header is written (quicktype writes its one file
every time)."""
import os, shutil, statistics, subprocess, sys, time

runs, schemas, out, sf, qt = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
names = sorted(f for f in os.listdir(schemas) if f.endswith(".json"))

def measure(cmd):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr.read().decode()[-400:]}")
    return wall, ru.ru_utime + ru.ru_stime

hundred = os.path.join(out, "hundred")
os.makedirs(hundred, exist_ok=True)
for k in range(100):
    shutil.copy(os.path.join(schemas, names[k % len(names)]), os.path.join(hundred, f"s{k:03d}_{names[k % len(names)]}"))
many = sorted(os.path.join(hundred, f) for f in os.listdir(hundred))

def commands(tool, files, tag):
    if tool == "schemaforge":
        return [sf, "generate", *files, "-o", os.path.join(out, f"sf_{tag}")]
    return [qt, "--lang", "c++", "--src-lang", "schema", "-o", os.path.join(out, f"qt_{tag}.hpp"), *files]

per_schema = {t: [] for t in ("schemaforge", "quicktype")}   # per run: sum over schemas
hundred_one_call = {t: [] for t in ("schemaforge", "quicktype")}
hundred_empty_dir = {t: [] for t in ("schemaforge", "quicktype")}
for run in range(runs):
    for tool in ("schemaforge", "quicktype"):
        wall = cpu = 0.0
        for name in names:
            w, c = measure(commands(tool, [os.path.join(schemas, name)], name[:-5]))
            wall += w
            cpu += c
        per_schema[tool].append((wall / len(names), cpu / len(names)))
        hundred_one_call[tool].append(measure(commands(tool, many, "hundred")))
        for leftover in (os.path.join(out, f"sf_empty{run}"), os.path.join(out, f"qt_empty{run}.hpp")):
            shutil.rmtree(leftover, ignore_errors=True)
        hundred_empty_dir[tool].append(measure(commands(tool, many, f"empty{run}")))

def show(label, rows):
    sw, sc = (statistics.median(r[i] for r in rows["schemaforge"]) for i in (0, 1))
    qw, qc = (statistics.median(r[i] for r in rows["quicktype"]) for i in (0, 1))
    print(f"{label}\t{sw * 1000:.1f} / {sc * 1000:.1f} ms\t{qw * 1000:.0f} / {qc * 1000:.0f} ms\t{qw / sw:.0f}x / {qc / sc:.0f}x")

print(f"median of {runs} runs over {len(names)} schemas; wall / CPU (user+sys); ratio = quicktype / schemaforge")
print("work\tschemaforge\tquicktype\tratio (wall / CPU)")
show("one process per schema (mean)", per_schema)
show("100 schemas in one call", hundred_one_call)
show("100 schemas, empty output directory", hundred_empty_dir)
