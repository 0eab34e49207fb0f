#!/usr/bin/env python3
"""Accuracy of inferred schemas against the samples they came from.
Usage: accuracy.py SAMPLES_DIR OUT_DIR  (OUT_DIR holds <tool>_<set>.json)
Checks, per tool: required/optional of every object position reachable through properties
(truth: key present in every object at that position), integer vs number (truth: number when any
value is written with a fraction or exponent), email format on e-mail fields, one-value enums."""
import json, os, re, sys
from collections import defaultdict

samples, out = sys.argv[1], sys.argv[2]
FLOAT = re.compile(r"[.eE]")

def load_raw(path):
    # parse_float/int hooks keep "written with a fraction" even for 3.0
    return json.load(open(path), parse_float=lambda s: ("__float__", float(s)), parse_int=int)

def truth_walk(docs):
    """path -> (objects seen, {key: count}); path -> kinds of numbers seen; path -> strings"""
    objs, nums, strs = defaultdict(lambda: [0, defaultdict(int)]), defaultdict(set), defaultdict(list)
    def walk(v, p):
        if isinstance(v, dict):
            o = objs[p]; o[0] += 1
            for k, x in v.items(): o[1][k] += 1; walk(x, p + "/" + k)
        elif isinstance(v, list):
            for x in v: walk(x, p + "/[]")
        elif isinstance(v, tuple): nums[p].add("number")
        elif isinstance(v, bool): pass
        elif isinstance(v, int): nums[p].add("integer")
        elif isinstance(v, str): strs[p].append(v)
    for d in docs: walk(d, "")
    return objs, nums, strs

def resolve(schema, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"].lstrip("#/").split("/")
        node = schema
        for r in ref: node = node[r]
        seen += 1
    return node

def branches(schema, node):
    node = resolve(schema, node)
    if not isinstance(node, dict): return []
    out = [node]
    for k in ("anyOf", "oneOf"):
        for b in node.get(k, []): out += branches(schema, b)
    return out

def at(schema, path):
    """the schema branches describing the position `path` (properties / items / additionalProperties)"""
    nodes = branches(schema, schema)
    for part in [p for p in path.split("/") if p]:
        nxt = []
        for n in nodes:
            if part == "[]" and "items" in n: nxt += branches(schema, n["items"])
            elif part != "[]" and part in n.get("properties", {}): nxt += branches(schema, n["properties"][part])
            elif part != "[]" and isinstance(n.get("additionalProperties"), dict): nxt += branches(schema, n["additionalProperties"])
        nodes = nxt
    return nodes

def types_of(nodes):
    t = set()
    for n in nodes:
        x = n.get("type")
        if isinstance(x, list): t.update(x)
        elif x: t.add(x)
    return t

def one_value_enums(schema):
    n = 0
    def walk(v):
        nonlocal n
        if isinstance(v, dict):
            e = v.get("enum")
            if isinstance(e, list) and len([x for x in e if x is not None]) == 1: n += 1
            if "const" in v: n += 1
            for x in v.values(): walk(x)
        elif isinstance(v, list):
            for x in v: walk(x)
    walk(schema)
    return n

tools = sorted({f.split("_", 1)[0] for f in os.listdir(out) if f.endswith(".json") and "_" in f})
sets = sorted(d for d in os.listdir(samples) if os.path.isdir(os.path.join(samples, d)))
print("tool\tset\trequired_wrong/positions\tint_vs_number_wrong/fields\temail_missing/fields\tone_value_enums")
totals = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
for tool in tools:
    for s in sets:
        f = os.path.join(out, f"{tool}_{s}.json")
        if not os.path.exists(f): continue
        schema = json.load(open(f))
        d = os.path.join(samples, s)
        docs = [load_raw(os.path.join(d, x)) for x in sorted(os.listdir(d)) if x.endswith(".json")]
        objs, nums, strs = truth_walk(docs)
        req_wrong = req_total = 0
        for p, (count, keys) in objs.items():
            nodes = [n for n in at(schema, p) if "properties" in n]
            if not nodes: continue  # a map, or not modelled as an object: not judged here
            req = set()
            for n in nodes: req.update(n.get("required", []))
            for k, c in keys.items():
                req_total += 1
                if (c == count) != (k in req): req_wrong += 1
        num_wrong = num_total = 0
        for p, kinds in nums.items():
            t = types_of(at(schema, p))
            want = "number" if "number" in kinds else "integer"
            num_total += 1
            if want == "number" and "number" not in t: num_wrong += 1
            if want == "integer" and "integer" not in t: num_wrong += 1
        em_missing = em_total = 0
        for p, vals in strs.items():
            if len(vals) >= 3 and all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", v) for v in vals):
                em_total += 1
                if not any(n.get("format") == "email" for n in at(schema, p)): em_missing += 1
        ove = one_value_enums(schema)
        print(f"{tool}\t{s}\t{req_wrong}/{req_total}\t{num_wrong}/{num_total}\t{em_missing}/{em_total}\t{ove}")
        t = totals[tool]
        for i, v in enumerate((req_wrong, req_total, num_wrong, num_total, em_missing, em_total, ove)): t[i] += v
print()
print("tool\tTOTAL required_wrong\tint_vs_number_wrong\temail_missing\tone_value_enums")
for tool, t in totals.items():
    print(f"{tool}\t{t[0]}/{t[1]}\t{t[2]}/{t[3]}\t{t[4]}/{t[5]}\t{t[6]}")
