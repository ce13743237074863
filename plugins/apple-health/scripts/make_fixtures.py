#!/usr/bin/env python3
"""Writes the inputs of the fixture cases of plugins/apple-health (input.json, body.json,
kv.json). expected.json is recorded by `stride plugin test … --update` and every number in it
is then checked against these inputs by check_fixtures.py.

    python3 plugins/apple-health/scripts/make_fixtures.py plugins/apple-health/fixtures
"""
import json, os, sys
from datetime import datetime, timezone, timedelta

ROOT = sys.argv[1]
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "..", "..", "shared", "fixtures", "apple",
                      "freereps-hae-v2-examples.json")
ATHLETE = "0190f5c2-4a7e-7cc0-9a4e-1f2d3c4b5a69"
NNBSP = "\u202f"

def case(name, upload, kv=None, body_file=None, body=None, now=None):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    up = {"kind": "Relay", "content_type": "application/json"}
    up.update(upload)
    if body_file is not None:
        fname, content = body_file
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(os.path.join(d, fname), mode) as f:
            if isinstance(content, bytes):
                f.write(content)
            elif isinstance(content, str):
                f.write(content)
            else:
                f.write(json.dumps(content, indent=2, ensure_ascii=False) + "\n")
        up["body_file"] = fname
    elif body is not None:
        up["body"] = body
    inp = {"call": "receive-upload", "upload": up}
    if now:
        inp["now"] = now
    with open(os.path.join(d, "input.json"), "w") as f:
        f.write(json.dumps(inp, indent=2, ensure_ascii=False) + "\n")
    if kv is not None:
        with open(os.path.join(d, "kv.json"), "w") as f:
            f.write(json.dumps(kv, indent=2) + "\n")

def headers(session, name="Stride", aid="A1B2C3", period="sinceLastSync", agg="days"):
    return {"automation-name": name, "automation-id": aid, "session-id": session,
            "automation-period": period, "automation-aggregation": agg}

# --- manifest
os.makedirs(os.path.join(ROOT, "manifest"), exist_ok=True)
open(os.path.join(ROOT, "manifest", "input.json"), "w").write('{ "call": "manifest" }\n')

# --- every date form
dates = {"data": {"metrics": [
    {"name": "resting_heart_rate", "units": "count/min", "data": [
        {"date": "2024-09-21 06:57:00 +1000", "qty": 49, "source": "Apple Watch"},
        {"date": "2024-09-22 7:57:00 am +1000", "qty": 50},
        {"date": "2024-09-23 7:57:00" + NNBSP + "am +1000", "qty": 51},
        {"date": "2024-09-23 9:15:00" + NNBSP + "PM +1000", "qty": 52},
        {"date": "2024-09-24 12:05:00 am +1000", "qty": 53},
        {"date": "2024-09-24 12:05:00 pm +1000", "qty": 54},
        {"date": "2024-09-25", "qty": 55},
        {"date": "2024-09-26T06:00:00Z", "qty": 56},
        {"date": None, "qty": 57},
        {"date": "21/09/2024 07:57", "qty": 58},
        {"date": "2024-09-27 07:57:00", "qty": 59},
    ]},
]}}
case("dates-every-form", {"headers": headers("s-dates")}, body_file=("body.json", dates))

# --- sleep: aggregated, older shape
older = {"data": {"metrics": [{"name": "sleep_analysis", "units": "hr", "data": [
    {"date": "2023-05-14 00:00:00 +0200", "asleep": 7.25, "inBed": 8.0,
     "sleepStart": "2023-05-13 23:10:00 +0200", "sleepEnd": "2023-05-14 06:40:00 +0200",
     "inBedStart": "2023-05-13 22:50:00 +0200", "inBedEnd": "2023-05-14 06:50:00 +0200",
     "sleepSource": "Apple Watch", "inBedSource": "iPhone"},
    {"date": "2023-05-15", "asleep": 6.5, "inBed": 7.1,
     "sleepStart": "2023-05-14 11:40:00 pm +0200", "sleepEnd": "2023-05-15 6:10:00 am +0200",
     "inBedStart": "2023-05-14 11:20:00 pm +0200", "inBedEnd": "2023-05-15 6:26:00 am +0200",
     "sleepSource": "Apple Watch", "inBedSource": "iPhone"}]}]}}
case("sleep-aggregated-older", {"headers": headers("s-older")}, body_file=("body.json", older))

# --- sleep: aggregated, current shape, minutes, +1000 (its own offset decides the night)
current = {"data": {"metrics": [{"name": "sleep_analysis", "units": "min", "data": [
    {"date": "2024-09-21", "totalSleep": 441, "asleep": 0, "core": 252, "deep": 63, "rem": 126,
     "awake": 18, "sleepStart": "2024-09-20 10:48:00" + NNBSP + "pm +1000",
     "sleepEnd": "2024-09-21 6:27:00" + NNBSP + "am +1000", "inBed": 470,
     "inBedStart": "2024-09-20 10:30:00" + NNBSP + "pm +1000",
     "inBedEnd": "2024-09-21 6:20:00" + NNBSP + "am +1000", "source": "Apple Watch"}]}]}}
case("sleep-aggregated-current", {"headers": headers("s-current")}, body_file=("body.json", current))

# --- sleep per stage, one night split over three requests of one batched export
SEGS = [  # local times at +0100; (start, end, stage); dates filled below
    ("2024-03-09 22:30:00", "2024-03-10 06:50:00", "In Bed"),
    ("2024-03-09 22:45:00", "2024-03-10 00:15:00", "Core"),
    ("2024-03-10 00:15:00", "2024-03-10 01:15:00", "Deep"),
    ("2024-03-10 01:15:00", "2024-03-10 02:00:00", "Core"),
    ("2024-03-10 02:00:00", "2024-03-10 02:40:00", "REM"),
    ("2024-03-10 02:40:00", "2024-03-10 02:50:00", "Awake"),
    ("2024-03-10 02:50:00", "2024-03-10 04:20:00", "Core"),
    ("2024-03-10 04:20:00", "2024-03-10 04:50:00", "Deep"),
    ("2024-03-10 04:50:00", "2024-03-10 05:50:00", "REM"),
    ("2024-03-10 05:50:00", "2024-03-10 06:30:00", "Core"),
    ("2024-03-10 06:30:00", "2024-03-10 06:40:00", "Awake"),
]
PARTS = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]
def stage_point(i):
    s, e, v = SEGS[i]
    hours = (datetime.fromisoformat(e) - datetime.fromisoformat(s)).total_seconds() / 3600
    return {"startDate": s + " +0100", "endDate": e + " +0100", "qty": round(hours, 4),
            "value": v, "source": "Apple Watch"}
STAGE = {"In Bed": "InBed", "Core": "Core", "Deep": "Deep", "REM": "Rem", "Awake": "Awake"}
def stored(indices):
    tz = timezone(timedelta(hours=1))
    out = []
    for i in sorted(indices):
        s, e, v = SEGS[i]
        ms = lambda t: int(datetime.fromisoformat(t).replace(tzinfo=tz).timestamp() * 1000)
        out.append([ms(s), ms(e), STAGE[v], 3600])
    out.sort(key=lambda x: (x[0], x[1], ["InBed", "Awake", "Asleep", "Core", "Deep", "Rem"].index(x[2]), x[3]))
    return out
def kv_after(indices):
    return {f"athlete:{ATHLETE}|sleep-night:2024-03-10": stored(indices),
            f"athlete:{ATHLETE}|sleep-nights": ["2024-03-10"]}
extra = [
    [{"name": "heart_rate_variability", "units": "ms", "data": [
        {"date": "2024-03-10 03:12:00 +0100", "qty": 48.6, "source": "Apple Watch"}]},
     {"name": "resting_heart_rate", "units": "bpm", "data": [
        {"date": "2024-03-10 00:00:00 +0100", "qty": 47, "source": "Apple Watch"}]}],
    [{"name": "weight_body_mass", "units": "kg", "data": [
        {"date": "2024-03-10 07:05:00 +0100", "qty": 71.3, "source": "Withings"}]}],
    [{"name": "step_count", "units": "count", "data": [
        {"date": "2024-03-10 00:00:00 +0100", "qty": 11834, "source": "iPhone"}]}],
]
def part_body(p):
    return {"data": {"metrics": extra[p] + [
        {"name": "sleep_analysis", "units": "hr", "data": [stage_point(i) for i in PARTS[p]]}],
        "workouts": []}}
done = []
for p in range(3):
    kv = kv_after(done) if done else None
    case(f"batch-night-part{p+1}-of-3", {"headers": headers("sess-2024-03-10", agg="none")},
         kv=kv, body_file=("body.json", part_body(p)))
    done += PARTS[p]
# the same export again ("since last sync" re-sends): converges on the same night
case("batch-night-resent", {"headers": headers("sess-2024-03-10-b", agg="none")},
     kv=kv_after(done), body_file=("body.json", part_body(1)))

# --- units, imperial and other spellings
units = {"data": {"metrics": [
    {"name": "weight_body_mass", "units": "lb", "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 165.2}]},
    {"name": "body_fat_percentage", "units": "%", "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 18.4}]},
    {"name": "resting_heart_rate", "units": "count/min", "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 51}]},
    {"name": "heart_rate_variability", "units": "ms", "data": [{"date": "2024-02-06 03:30:00 -0800", "qty": 62.75}]},
    {"name": "vo2_max", "units": "mL/(kg·min)", "data": [{"date": "2024-02-06 08:00:00 -0800", "qty": 47.9}]},
    {"name": "respiratory_rate", "units": "count/min", "data": [{"date": "2024-02-06 03:30:00 -0800", "qty": 14.5}]},
    {"name": "step_count", "units": "count", "data": [{"date": "2024-02-06 00:00:00 -0800", "qty": 9021}]},
    {"name": "heart_rate", "units": "count/min", "data": [{"date": "2024-02-06 07:00:00 -0800", "Min": 48, "Avg": 61, "Max": 97}]},
    {"name": "active_energy", "units": "kJ", "data": [{"date": "2024-02-06 00:00:00 -0800", "qty": 2100}]},
], "workouts": [
    {"id": "B1F0C8F2-5E7A-4C1B-9D35-0A6E2F1D9C11", "name": "Outdoor Cycling",
     "start": "2024-02-06 4:02:00" + NNBSP + "PM -0800", "end": "2024-02-06 5:32:30" + NNBSP + "PM -0800",
     "duration": 5160,
     "distance": {"qty": 24.85, "units": "mi"},
     "elevationUp": {"qty": 1312, "units": "ft"},
     "activeEnergyBurned": {"qty": 3012.5, "units": "kJ"},
     "heartRate": {"min": {"qty": 92, "units": "count/min"}, "avg": {"qty": 138, "units": "count/min"},
                   "max": {"qty": 171, "units": "count/min"}}}]}}
case("units-imperial-and-spellings", {"headers": headers("s-units")}, body_file=("body.json", units))

# --- unknown and missing units: a problem per item, the rest stored
bad_units = {"data": {"metrics": [
    {"name": "weight_body_mass", "units": "stone-ish", "data": [
        {"date": "2024-02-06 07:00:00 -0800", "qty": 11}, {"date": "2024-02-07 07:00:00 -0800", "qty": 11.1}]},
    {"name": "resting_heart_rate", "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 52}]},
    {"name": "vo2_max", "units": "L/min", "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 3.4}]},
    {"name": "heart_rate_variability", "units": "ms", "data": [{"date": "2024-02-06 03:00:00 -0800", "qty": 55}]},
], "workouts": [
    {"id": "W-FURLONG", "name": "Outdoor Run", "start": "2024-02-06 07:00:00 -0800",
     "end": "2024-02-06 07:45:00 -0800", "duration": 2700,
     "distance": {"qty": 40, "units": "furlong"},
     "activeEnergyBurned": {"qty": 480, "units": "cal"}}]}}
case("units-unknown-are-problems", {"headers": headers("s-badunits")}, body_file=("body.json", bad_units))

# --- workout, export version 1
v1 = {"data": {"metrics": [], "workouts": [
    {"name": "Outdoor Run", "start": "2021-06-12 06:30:00 +0200", "end": "2021-06-12 07:14:40 +0200",
     "duration": 2680,
     "distance": {"qty": 8.42, "units": "km"},
     "activeEnergy": {"qty": 2510, "units": "kJ"},
     "totalEnergy": {"qty": 2900, "units": "kJ"},
     "avgHeartRate": {"qty": 151, "units": "bpm"},
     "maxHeartRate": {"qty": 178, "units": "bpm"},
     "elevation": {"ascent": 262.5, "descent": 250, "units": "ft"},
     "heartRateData": [
        {"date": "2021-06-12 06:30:00 +0200", "qty": 118, "units": "bpm"},
        {"date": "2021-06-12 06:45:00 +0200", "qty": 152, "units": "bpm"},
        {"date": "2021-06-12 07:00:00 +0200", "qty": 160, "units": "bpm"},
        {"date": "2021-06-12 07:14:00 +0200", "qty": 171, "units": "bpm"}],
     "route": [{"lat": 59.9127, "lon": 10.7461}, {"lat": 59.9139, "lon": 10.7522}]}]}}
case("workout-v1", {"headers": headers("s-v1")}, body_file=("body.json", v1))

# --- workout, export version 2, with a route and HR samples
v2 = {"data": {"workouts": [
    {"id": "7A3C2E10-0B4D-4F55-8D1E-2C9B6A5F4E01", "name": "Trail Running",
     "start": "2024-05-04 08:00:00 -0600", "end": "2024-05-04 08:03:00 -0600", "duration": 175,
     "distance": {"qty": 0.52, "units": "km"}, "elevationUp": {"qty": 21.4, "units": "m"},
     "activeEnergyBurned": {"qty": 41, "units": "kcal"},
     "heartRate": {"min": {"qty": 120, "units": "bpm"}, "avg": {"qty": 141, "units": "bpm"}, "max": {"qty": 155, "units": "bpm"}},
     "heartRateData": [
        {"date": "2024-05-04 08:00:00 -0600", "Min": 118, "Avg": 120, "Max": 123, "units": "bpm", "source": "Apple Watch Ultra"},
        {"date": "2024-05-04 08:01:00 -0600", "Min": 135, "Avg": 140, "Max": 144, "units": "bpm", "source": "Apple Watch Ultra"},
        {"date": "2024-05-04 08:02:00 -0600", "Min": 148, "Avg": 152, "Max": 155, "units": "bpm", "source": "Apple Watch Ultra"}],
     "route": [
        {"latitude": 39.7392, "longitude": -104.9903, "altitude": 1609.3, "speed": 2.9, "timestamp": "2024-05-04 08:00:00 -0600"},
        {"latitude": 39.7400, "longitude": -104.9903, "altitude": 1612.0, "speed": 3.1, "timestamp": "2024-05-04 08:00:30 -0600"},
        {"latitude": 39.7410, "longitude": -104.9900, "altitude": 1615.2, "speed": 3.0, "timestamp": "2024-05-04 08:01:30 -0600"},
        {"latitude": 39.7420, "longitude": -104.9895, "altitude": 1619.9, "speed": 2.8, "timestamp": "2024-05-04 08:02:30 -0600"}],
     "stepCadence": {"qty": 160, "units": "count/min"}, "intensity": {"qty": 9.1, "units": "kcal/hr·kg"}}]}}
case("workout-v2-route-and-heart-rate", {"headers": headers("s-v2")}, body_file=("body.json", v2))

# --- unknown keys are skipped, never fail
unknown = {"data": {"metrics": [
    {"name": "resting_heart_rate", "units": "bpm", "data": [{"date": "2025-01-02 07:00:00 +0000", "qty": 50}]},
    {"name": "mindful_minutes", "units": "min", "data": [{"date": "2025-01-02 07:00:00 +0000", "qty": 10}]}],
    "stateOfMind": [{"id": "x", "kind": "momentaryEmotion", "valence": 0.4, "labels": ["calm"]}],
    "ecg": [{"classification": "Sinus Rhythm", "voltageMeasurements": [{"date": 1, "voltage": 0.1}]}],
    "symptoms": [], "medications": None, "cycleTracking": {"x": 1}, "heartRateNotifications": []},
    "exportVersion": "2", "meta": {"device": "iPhone"}}
case("unknown-keys-ignored", {"headers": headers("s-unknown")}, body_file=("body.json", unknown))

# --- hostile bodies
case("hostile-not-json-csv", {"headers": headers("s-csv"), "content_type": "text/csv"},
     body="Date,Resting Heart Rate (count/min)\n2024-02-06 07:00:00,52\n")
case("hostile-empty-body", {"headers": headers("s-empty")}, body="")
case("hostile-top-level-list", {"headers": headers("s-list")}, body=[{"data": {}}])
case("hostile-no-data-key", {"headers": headers("s-nodata")},
     body_file=("body.json", json.load(open(SHARED))))
case("hostile-metrics-not-a-list", {"headers": headers("s-metrics")}, body={"data": {"metrics": {"name": "x"}}})
case("hostile-trailing-garbage", {"headers": headers("s-trail")}, body='{"data": {"metrics": []}} {"data": {}}')
case("hostile-truncated", {"headers": headers("s-trunc")}, body='{"data": {"metrics": [{"name": "resting_heart_rate", "units": "bpm", "data": [{"date": "2024')
deep = "[" * 20000 + "1" + "]" * 20000
case("hostile-deeply-nested", {"headers": headers("s-deep")},
     body_file=("body.json", '{"data": {"ecg": ' + deep + ', "metrics": [{"name": "vo2_max", "units": "ml/(kg·min)", "data": [{"date": "2024-02-06 08:00:00 -0800", "qty": ' + deep + '}, {"date": "2024-02-07 08:00:00 -0800", "qty": 45.5}]}]}}'))
case("hostile-deeply-nested-unbalanced", {"headers": headers("s-deep2")},
     body_file=("body.json", '{"data": {"metrics": ' + "[" * 20000))
wrong = {"data": {"metrics": [
    7, "resting_heart_rate", None, [],
    {"name": 12345, "units": "bpm", "data": []},
    {"name": ["weight_body_mass"], "data": []},
    {"name": "weight_body_mass", "units": "kg", "data": "72"},
    {"name": "resting_heart_rate", "units": {"u": "bpm"}, "data": [{"date": "2024-02-06 07:00:00 -0800", "qty": 52}]},
    {"name": "heart_rate_variability", "units": "ms", "data": [
        {"date": 1707231600, "qty": 40}, {"date": "2024-02-06 03:00:00 -0800", "qty": "41.5"},
        {"date": "2024-02-06 04:00:00 -0800", "qty": True}, {"date": "2024-02-06 05:00:00 -0800", "qty": -3},
        {"date": "2024-02-06 06:00:00 -0800", "qty": {"v": 1}}, {"date": ["2024-02-06"], "qty": 42},
        "a string point", {"date": "2024-02-06 07:00:00 -0800", "qty": "NaN"}]},
    {"name": "sleep_analysis", "units": "hr", "data": [
        {"startDate": "2024-02-06 01:00:00 -0800", "endDate": "2024-02-06 00:00:00 -0800", "value": "Core"},
        {"startDate": "2024-02-06 01:00:00 -0800", "endDate": "2024-02-06 02:00:00 -0800", "value": "Dreaming"},
        {"date": "2024-02-06", "totalSleep": "lots"}, {"date": "2024-02-06", "qty": 3}]}],
    "workouts": [5, {"name": "Outdoor Run", "start": "not a date"},
        {"id": "W-NO-END", "name": "Yoga", "start": "2024-02-06 07:00:00 -0800"},
        {"id": ["W"], "name": {"x": 1}, "start": "2024-02-06 07:00:00 -0800", "end": "2024-02-06 07:30:00 -0800",
         "distance": "5 km", "heartRate": [1, 2], "route": "none", "heartRateData": {"a": 1}}]}}
case("hostile-wrong-types", {"headers": headers("s-wrong")}, body_file=("body.json", wrong))
# A number serde_json cannot hold: the JSON itself is refused.
case("hostile-number-out-of-range", {"headers": headers("s-range")},
     body='{"data": {"metrics": [{"name": "step_count", "units": "count", "data": [{"date": "2024-02-06", "qty": 1e400}]}]}}')
case("hostile-50mb-claimed", {"headers": dict(headers("s-claim"), **{"content-length": "52428800"})},
     body_file=("body.json", {"data": {"metrics": [{"name": "step_count", "units": "count", "data": [{"date": "2024-02-06 00:00:00 -0800", "qty": 10}]}]}}))
case("hostile-file-upload-kind", {"kind": "Files", "name": "export.json", "headers": {}}, body={"data": {}})
many = {"data": {"metrics": [{"name": f"custom_metric_{i}", "units": "count", "data": []} for i in range(305)]}}
case("cap-metrics-per-delivery", {"headers": headers("s-many")}, body_file=("body.json", many))
print("ok")

# --- the shared real-world example (meltforce/FreeReps spec, MIT; see LICENSES.txt): its two
# bodies exactly as given, with its example headers.
src = json.load(open(SHARED))
hdr = {k: v for k, v in src["request_headers_example"].items() if k.lower() != "content-type"}
case("shared-example", {"headers": hdr}, body_file=("body.json", src["v2_aggregated_payload"]))
case("shared-example-stages", {"headers": hdr}, body_file=("body.json", src["v2_unaggregated_sleep_payload"]))
# the same delivery again ("since last sync" repeats it): the same records, nothing new
case("shared-example-sent-again", {"headers": hdr}, body_file=("body.json", src["v2_aggregated_payload"]))
