#!/usr/bin/env python3
"""Writes deterministic JSON sample sets: OUTDIR/<set>/NNN.json (one document per file).
Also: make_samples.py --jsonl FILE COUNT  writes COUNT orders as JSON Lines (seeded).
Sample generators adapted from the codegen peer harness (../shared/bench-peers/codegen/infer)."""
import json, os, random, sys, uuid
out = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "--jsonl" else "samples"
JSONL = len(sys.argv) > 1 and sys.argv[1] == "--jsonl"
R = random.Random(42)
def w(setname, docs):
    if JSONL: return
    d = os.path.join(out, setname); os.makedirs(d, exist_ok=True)
    for i, doc in enumerate(docs):
        with open(os.path.join(d, f"{i:03d}.json"), "w") as f: json.dump(doc, f, indent=1, ensure_ascii=False)
def user(i):
    u = {"id": i, "name": f"User {i}", "email": f"user{i}@example.com",
         "signupAt": f"2024-0{1+i%9}-1{i%10}T12:3{i%10}:00Z", "birthday": f"19{60+i%40}-0{1+i%9}-2{i%8}",
         "score": (i * 7 % 100) if i % 2 else (i * 7 % 100) + 0.5, "age": 18 + i % 60,
         "uuid": str(uuid.UUID(int=R.getrandbits(128))), "website": f"https://example.com/u/{i}",
         "status": ["active", "inactive", "banned"][i % 3], "tags": [R.choice(["a", "b", "vip"]) for _ in range(i % 4)],
         "zip": f"{R.randint(0, 99999):05d}", "isAdmin": "true" if i % 5 == 0 else "false",
         "middleName": None if i % 3 else "M"}
    if i % 4: u["nickname"] = f"nick{i}"
    return u
w("users", [user(i) for i in range(50)])
def event(i):
    t = ["click", "keypress", "scroll"][i % 3]; e = {"type": t, "ts": 1700000000000 + i * 1000}
    if t == "click": e.update(x=R.randint(0, 1920), y=R.randint(0, 1080), button=R.choice(["left", "right"]))
    elif t == "keypress": e.update(key=R.choice("abcdef"), modifiers=R.sample(["ctrl", "alt", "shift"], i % 3))
    else: e.update(delta=R.uniform(-5, 5), target={"id": f"el{i}", "depth": i % 5})
    return e
w("events", [event(i) for i in range(60)])
def config(i):
    names = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"]
    return {"version": 3, "servers": {n: {"host": f"{n}.internal", "port": 8000 + k} for k, n in enumerate(R.sample(names, 2 + i % 5))},
            "features": {f: R.random() < 0.5 for f in R.sample(["darkMode", "beta", "newUi", "fastPath", "telemetry"], 1 + i % 4)},
            "limits": {"cpu": 2, "memMb": 4096 + i}}
w("config", [config(i) for i in range(20)])
def geo(i):
    if i % 3 == 2:
        geom = {"type": "Polygon", "coordinates": [[[R.uniform(-180, 180), R.uniform(-90, 90)] for _ in range(4)]]}
    else:
        geom = {"type": "Point", "coordinates": [R.uniform(-180, 180), R.uniform(-90, 90)]}
    return {"type": "Feature", "id": i, "geometry": geom,
            "properties": {"name": f"Place {i}", "population": R.randint(0, 10**10) if i % 7 else 2**60,
                           "elevation": None if i % 4 == 0 else R.uniform(0, 4000), "capital": i % 10 == 0},
            "bbox": [R.uniform(-180, 180) for _ in range(4)]}
w("geo", [geo(i) for i in range(30)])
def reading(i):
    # "value" is always written with a fraction (3.0): a number, not an integer. "unit" never varies.
    r = {"sensor": f"s{i % 4}", "value": float(i % 20), "count": i, "unit": "C",
         "contact": f"ops{i % 7}@example.net", "takenAt": f"2024-03-{1 + i % 28:02d}T08:00:00+01:00"}
    if i % 5: r["note"] = f"reading {i}"
    return r
w("readings", [reading(i) for i in range(40)])  # added here: not in the peer harness
def order(i, r):
    items = [{"sku": f"SKU-{r.randint(10000, 99999)}", "name": f"Item {k} of order {i}", "quantity": r.randint(1, 9),
              "unitPrice": round(r.uniform(1, 500), 2), "backordered": r.random() < 0.1,
              **({"discount": round(r.uniform(0, 0.3), 2)} if r.random() < 0.3 else {}),
              **({"weightKg": round(r.uniform(0.1, 20), 3)} if r.random() < 0.7 else {})} for k in range(10)]
    sub = round(sum(x["quantity"] * x["unitPrice"] for x in items), 2)
    addr = lambda: {"street": f"{r.randint(1, 999)} Main Street", "city": r.choice(["Berlin", "Paris", "Oslo", "Lima"]),
                    "postalCode": f"{r.randint(10000, 99999)}", "country": r.choice(["DE", "FR", "NO", "PE"]),
                    **({"state": "ST"} if r.random() < 0.3 else {})}
    o = {"id": 100000 + i, "orderNumber": f"ORD-{i:08d}", "status": r.choice(["pending", "paid", "shipped", "delivered", "cancelled"]),
         "createdAt": f"2024-05-{1 + i % 28:02d}T10:{i % 60:02d}:00Z", "customerId": r.randint(1, 10**6),
         "customerName": f"Customer {r.randint(1, 99999)}", "currency": r.choice(["EUR", "USD"]),
         "subtotal": sub, "tax": round(sub * 0.19, 2), "shippingCost": 4.99, "total": round(sub * 1.19 + 4.99, 2),
         "isGift": r.random() < 0.2, "tags": r.sample(["web", "mobile", "promo", "b2b"], r.randint(0, 3)),
         "shippingAddress": addr(), "items": items}
    if r.random() < 0.5: o["updatedAt"] = f"2024-06-{1 + i % 28:02d}T11:00:00Z"
    if r.random() < 0.6: o["customerEmail"] = f"c{i}@example.org"
    if o["isGift"]: o["giftMessage"] = "Enjoy! \u2764"
    if r.random() < 0.2: o["couponCode"] = "SAVE10"
    if r.random() < 0.5: o["billingAddress"] = addr()
    return o
def main():
    if JSONL:
        write_jsonl(sys.argv[2], int(sys.argv[3]))
    else:
        r = random.Random(7)
        w("orders", [order(i, r) for i in range(400)])

def write_jsonl(path, count, seed=7):
    """Orders as JSON Lines (one compact document per line), for large-input runs."""
    r = random.Random(seed)
    with open(path, "w") as f:
        for i in range(count):
            f.write(json.dumps(order(i, r), ensure_ascii=False, separators=(",", ":")) + "\n")

if __name__ == "__main__":
    main()
