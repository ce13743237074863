#!/usr/bin/env python3
"""Checks every number the harness recorded in fixtures/*/expected.json against the inputs,
recomputed here independently of the plugin (Python's datetime for dates, its own unit table,
its own interval arithmetic and great-circle distance).

    python3 plugins/apple-health/scripts/check_fixtures.py plugins/apple-health/fixtures

Exits non-zero, listing each disagreement, when any recorded value differs from the input.
"""
import json
import math
import os
import sys
from datetime import datetime, timezone, timedelta

FAILS = []


def fail(case, msg):
    FAILS.append(f"{case}: {msg}")


# ---------------------------------------------------------------- dates
def parse_date(text):
    """(epoch ms, offset s) for a timestamp, ('day', date) for a date-only, None otherwise."""
    if not isinstance(text, str):
        return None
    t = text.strip().replace("\u202f", " ").replace("\u00a0", " ")
    try:
        d = datetime.strptime(t, "%Y-%m-%d")
        return ("day", d.date())
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %I:%M:%S %p %z", "%Y-%m-%d %I:%M %p %z",
                "%Y-%m-%dT%H:%M:%S%z"):
        try:
            d = datetime.strptime(t.replace("Z", "+0000") if fmt.endswith("T%H:%M:%S%z") else t, fmt)
            return (int(d.timestamp() * 1000), int(d.utcoffset().total_seconds()))
        except ValueError:
            continue
    return None


def instant(parsed):
    if parsed[0] == "day":
        noon = datetime(parsed[1].year, parsed[1].month, parsed[1].day, 12, tzinfo=timezone.utc)
        return int(noon.timestamp() * 1000)
    return parsed[0]


def local_date(ms, offset_s):
    return (datetime.fromtimestamp(ms / 1000, timezone.utc) + timedelta(seconds=offset_s)).date().isoformat()


# ---------------------------------------------------------------- units
UNITS = {
    "hr": {"bpm": 1, "count/min": 1},
    "ms": {"ms": 1},
    "kg": {"kg": 1, "lb": 0.45359237},
    "%": {"%": 1},
    "vo2": {"ml/(kg·min)": 1, "mL/(kg·min)": 1},
    "br": {"count/min": 1},
    "count": {"count": 1},
    "m": {"m": 1, "km": 1000, "mi": 1609.344, "ft": 0.3048},
    "kcal": {"kcal": 1, "kJ": 1 / 4.184},
    "min": {"hr": 60, "min": 1},
}
METRICS = {
    "heart_rate_variability": ("Hrv", "ms"),
    "resting_heart_rate": ("RestingHeartRate", "hr"),
    "weight_body_mass": ("Weight", "kg"),
    "body_fat_percentage": ("BodyFat", "%"),
    "vo2_max": ("Vo2max", "vo2"),
    "respiratory_rate": ("RespiratoryRate", "br"),
    "step_count": ("Steps", "count"),
}


def num(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            f = float(v)
            return f if math.isfinite(f) else None
        except ValueError:
            return None
    return None


def close(a, b, tol=1e-6):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(b))


# ---------------------------------------------------------------- expected records
def expect_measurements(body):
    out = {}
    for metric in (body.get("data") or {}).get("metrics") or []:
        if not isinstance(metric, dict) or not isinstance(metric.get("name"), str) or metric["name"] not in METRICS:
            continue
        if not isinstance(metric.get("data"), list):
            continue
        measure, dim = METRICS[metric["name"]]
        unit = metric.get("units")
        for p in metric["data"]:
            if not isinstance(p, dict):
                continue
            d = parse_date(p.get("date"))
            v = num(p.get("qty"))
            if d is None or v is None or not isinstance(unit, str) or unit not in UNITS[dim]:
                continue
            v *= UNITS[dim][unit]
            if v < 0 or (v == 0 and measure not in ("Steps", "BodyFat")):
                continue
            out[(measure, instant(d))] = (v, p.get("source"))
    return out


def union_min(intervals):
    total, cur = 0, None
    for s, e in sorted(intervals):
        if cur and s <= cur[1]:
            cur = (cur[0], max(cur[1], e))
        else:
            if cur:
                total += cur[1] - cur[0]
            cur = (s, e)
    if cur:
        total += cur[1] - cur[0]
    return total / 60000


STAGES = {"Core": "Core", "Deep": "Deep", "REM": "Rem", "Awake": "Awake", "Asleep": "Asleep",
          "In Bed": "InBed"}


def expect_sleeps(body, kv):
    nights = {}
    segments = {}
    for key, value in (kv or {}).items():
        if "|sleep-night:" in key:
            for s, e, stage, off in value:
                segments.setdefault(key.split("sleep-night:")[1], set()).add((s, e, stage, off))
    for metric in (body.get("data") or {}).get("metrics") or []:
        if not isinstance(metric, dict) or metric.get("name") != "sleep_analysis":
            continue
        unit = metric.get("units")
        for p in metric.get("data") or []:
            if not isinstance(p, dict):
                continue
            if "startDate" in p or "value" in p:
                s, e = parse_date(p.get("startDate")), parse_date(p.get("endDate"))
                stage = STAGES.get(p.get("value"))
                if not s or not e or s[0] == "day" or e[0] == "day" or stage is None or e[0] <= s[0]:
                    continue
                # The night: the segment's start, in its own offset, plus 6 h, as a date.
                night = local_date(s[0] + 6 * 3600_000, s[1])
                segments.setdefault(night, set()).add((s[0], e[0], stage, s[1]))
                continue
            f = UNITS["min"].get(unit)
            vals = {k: num(p.get(k)) for k in ("totalSleep", "asleep", "core", "deep", "rem", "awake", "inBed")}
            if f is None or any(p.get(k) is not None and vals[k] is None for k in vals):
                continue
            asleep = vals["totalSleep"] if vals["totalSleep"] is not None else vals["asleep"]
            if asleep is None:
                continue
            end = parse_date(p.get("sleepEnd")) or parse_date(p.get("inBedEnd"))
            start = parse_date(p.get("sleepStart")) or parse_date(p.get("inBedStart"))
            date = local_date(*end) if end else parse_date(p.get("date"))[1].isoformat()
            r = lambda k: None if vals[k] is None else round(vals[k] * f)
            nights[date] = {"date": date, "summary_id": f"sleep:{date}", "start_ms": start[0] if start else None,
                            "end_ms": end[0] if end else None, "asleep_min": round(asleep * f),
                            "in_bed_min": r("inBed"), "deep_min": r("deep"), "light_min": r("core"),
                            "rem_min": r("rem"), "awake_min": r("awake")}
    stage_nights = {}
    for date, segs in segments.items():
        by = lambda names: union_min([(s, e) for s, e, st, _ in segs if st in names])
        staged = any(st in ("Core", "Deep", "Rem") for _, _, st, _ in segs)
        has = lambda st: any(x == st for _, _, x, _ in segs)
        stage_nights[date] = {
            "date": date, "summary_id": f"sleep:{date}",
            "start_ms": min(s for s, _, _, _ in segs), "end_ms": max(e for _, e, _, _ in segs),
            "asleep_min": round(by({"Core", "Deep", "Rem", "Asleep"})),
            "in_bed_min": round(by({"InBed"})) if has("InBed") else None,
            "deep_min": round(by({"Deep"})) if staged else None,
            "light_min": round(by({"Core"})) if staged else None,
            "rem_min": round(by({"Rem"})) if staged else None,
            "awake_min": round(by({"Awake"})) if staged or has("Awake") else None,
        }
    return nights, stage_nights, segments


def haversine(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def qty(obj, dim):
    if not isinstance(obj, dict):
        return None
    v, u = num(obj.get("qty")), obj.get("units")
    if v is None or u not in UNITS[dim]:
        return None
    return v * UNITS[dim][u]


def check_activity(case, w, a):
    start = parse_date(w.get("start"))
    end = parse_date(w.get("end"))
    if a["start_ms"] != start[0] or a["utc_offset_s"] != start[1]:
        fail(case, f"start {a['start_ms']}/{a['utc_offset_s']} != {start}")
    if end and a["duration_s"] != round((end[0] - start[0]) / 1000):
        fail(case, f"duration {a['duration_s']}")
    name = w.get("name") if isinstance(w.get("name"), str) else None
    wid = w.get("id") if isinstance(w.get("id"), str) else None
    if wid and a["external_id"] != wid:
        fail(case, "external id")
    if not wid:
        slug = "".join(c.lower() if c.isascii() and c.isalnum() else "-" for c in (name or "Workout")).strip("-")
        if a["external_id"] != f"v1-{start[0]}-{slug}":
            fail(case, f"derived id {a['external_id']}")
    if a["sport_detail"] != name or a["name"] != (name or "Workout"):
        fail(case, "name / sport_detail")
    if a["moving_time_s"] != (round(w["duration"]) if num(w.get("duration")) else None):
        fail(case, f"moving time {a['moving_time_s']}")
    checks = [
        ("distance_m", qty(w.get("distance"), "m")),
        ("elevation_gain_m", qty(w.get("elevationUp"), "m") if w.get("elevationUp") else
         qty({"qty": (w.get("elevation") or {}).get("ascent"), "units": (w.get("elevation") or {}).get("units")}, "m")),
        ("energy_kcal", qty(w.get("activeEnergyBurned"), "kcal") if w.get("activeEnergyBurned") else qty(w.get("activeEnergy"), "kcal")),
        ("avg_hr", qty((w.get("heartRate") or {}).get("avg") if isinstance(w.get("heartRate"), dict) else None, "hr") or qty(w.get("avgHeartRate"), "hr")),
        ("max_hr", qty((w.get("heartRate") or {}).get("max") if isinstance(w.get("heartRate"), dict) else None, "hr") or qty(w.get("maxHeartRate"), "hr")),
    ]
    for field, want in checks:
        if not close(a[field], want):
            fail(case, f"{field} {a[field]} != {want}")
    # Samples: route timestamps when there are two or more, HR interpolated onto them.
    hr = []
    hrd = w.get("heartRateData") if isinstance(w.get("heartRateData"), list) else []
    for p in hrd:
        if not isinstance(p, dict):
            continue
        d = parse_date(p.get("date"))
        v = num(p.get("Avg")) if num(p.get("Avg")) is not None else num(p.get("qty"))
        if d and v:
            hr.append((d[0], v))
    hr.sort()
    rt = w.get("route") if isinstance(w.get("route"), list) else []
    route = [(parse_date(p.get("timestamp")), p) for p in rt if isinstance(p, dict)]
    route = [(d[0], p) for d, p in route if d]
    s = a["samples"]
    if len(route) >= 2:
        if s is None or len(s["time_s"]) != len(route):
            fail(case, "route samples")
            return
        for i, (t, p) in enumerate(route):
            if not close(s["time_s"][i], (t - start[0]) / 1000):
                fail(case, f"time_s[{i}]")
            if not close(s["speed_mps"][i], p["speed"]) or not close(s["altitude_m"][i], p["altitude"]):
                fail(case, f"speed/altitude[{i}]")
            # HR by hand: linear between the bracketing samples.
            before = [x for x in hr if x[0] <= t]
            after = [x for x in hr if x[0] > t]
            if before and after:
                (t0, v0), (t1, v1) = before[-1], after[0]
                want = v0 + (v1 - v0) * (t - t0) / (t1 - t0)
            else:
                want = (before[-1] if before else after[0])[1]
            if not close(s["heart_rate"][i], want):
                fail(case, f"heart_rate[{i}] {s['heart_rate'][i]} != {want}")
        dist = 0.0
        for i in range(len(route)):
            if i:
                p0, p1 = route[i - 1][1], route[i][1]
                dist += haversine((p0["latitude"], p0["longitude"]), (p1["latitude"], p1["longitude"]))
            if not close(s["distance_m"][i], dist, 1e-9):
                fail(case, f"distance_m[{i}] {s['distance_m'][i]} != {dist}")
    elif hr:
        if s is None or s["heart_rate"] != [v for _, v in hr] or \
                s["time_s"] != [(t - start[0]) / 1000 for t, _ in hr]:
            fail(case, f"HR-only samples {s}")
    elif s is not None:
        fail(case, "unexpected samples")


# ---------------------------------------------------------------- the cases
ERRORS = {
    "hostile-not-json-csv": "not valid JSON",
    "hostile-empty-body": "empty",
    "hostile-top-level-list": "a list, not an object",
    "hostile-no-data-key": "no `data` object",
    "hostile-metrics-not-a-list": "`data.metrics` is an object",
    "hostile-trailing-garbage": "trailing characters",
    "hostile-truncated": "not valid JSON",
    "hostile-deeply-nested-unbalanced": "not valid JSON",
    "hostile-number-out-of-range": "number out of range",
    "hostile-file-upload-kind": "relay",
}


def main(root):
    cases = sorted(d for d in os.listdir(root) if os.path.exists(os.path.join(root, d, "expected.json")))
    for case in cases:
        d = os.path.join(root, case)
        inp = json.load(open(os.path.join(d, "input.json")))
        exp = json.load(open(os.path.join(d, "expected.json")))
        result = exp["result"]
        if inp["call"] == "manifest":
            m = result["ok"]
            if m["id"] != "apple-health" or m["uploads"] != ["Relay"] or m["allowed_hosts"]:
                fail(case, "manifest")
            continue
        if case in ERRORS:
            err = (result.get("plugin_error") or {}).get("BadInput", "")
            if ERRORS[case] not in err:
                fail(case, f"expected bad-input with {ERRORS[case]!r}, got {result}")
            if exp["kv"]:
                fail(case, "a refused delivery left state behind")
            continue
        if "ok" not in result:
            fail(case, f"unexpected failure {result}")
            continue
        up = inp["upload"]
        raw = open(os.path.join(d, up["body_file"]), encoding="utf-8").read() if "body_file" in up else json.dumps(up["body"])
        try:
            body = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            body = None
        if case == "hostile-deeply-nested":
            body = {"data": {"metrics": [{"name": "vo2_max", "units": "ml/(kg·min)", "data": [
                {"date": "2024-02-07 08:00:00 -0800", "qty": 45.5}]}]}}
        kv = json.load(open(os.path.join(d, "kv.json"))) if os.path.exists(os.path.join(d, "kv.json")) else {}
        ok = result["ok"]
        records = ok["records"]
        got_m = {(r["Measurement"]["measure"], r["Measurement"]["at_ms"]): r["Measurement"]
                 for r in records if "Measurement" in r}
        want_m = expect_measurements(body)
        if set(got_m) != set(want_m):
            fail(case, f"measurement keys differ: extra {sorted(set(got_m) - set(want_m))}, "
                       f"missing {sorted(set(want_m) - set(got_m))}")
        for k in set(got_m) & set(want_m):
            g, (v, src) = got_m[k], want_m[k]
            if not close(g["value"], v) or g["device"] != src:
                fail(case, f"measurement {k}: {g['value']} != {v}")
            if (g["hrv_kind"] == "Sdnn") != (k[0] == "Hrv"):
                fail(case, f"hrv kind {k}")
        nights, stage_nights, segments = expect_sleeps(body, kv)
        got_s = [r["Sleep"] for r in records if "Sleep" in r]
        want_s = list(nights.values()) + list(stage_nights.values())
        if len(got_s) != len(want_s):
            fail(case, f"{len(got_s)} sleeps, expected {len(want_s)}")
        for g, w in zip(got_s, want_s):
            for k, v in w.items():
                if g[k] != v:
                    fail(case, f"sleep {w['date']} {k}: {g[k]} != {v}")
        for date, segs in segments.items():
            key = f"athlete:0190f5c2-4a7e-7cc0-9a4e-1f2d3c4b5a69|sleep-night:{date}"
            if sorted(map(tuple, exp["kv"].get(key, []))) != sorted(segs):
                fail(case, f"kept segments of {date} differ")
        workouts = [w for w in ((body.get("data") or {}).get("workouts") or [])
                    if isinstance(w, dict) and parse_date(w.get("start")) and
                    (parse_date(w.get("end")) or num(w.get("duration")))]
        got_a = [r["Activity"] for r in records if "Activity" in r]
        if len(got_a) != len(workouts):
            fail(case, f"{len(got_a)} activities, expected {len(workouts)}")
        for w, a in zip(workouts, got_a):
            check_activity(case, w, a)
        metrics = (body.get("data") or {}).get("metrics") or []
        wk = (body.get("data") or {}).get("workouts") or []
        if ok["items_done"] != min(len(metrics), 300) + len(wk):
            fail(case, f"items_done {ok['items_done']}")
    for f in FAILS:
        print("FAIL", f)
    print(f"{len(cases)} cases checked, {len(FAILS)} disagreements")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "fixtures")))
