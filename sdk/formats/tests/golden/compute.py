#!/usr/bin/env python3
"""Independent golden values for tests/golden.rs, from the shared fixture files.

Readers: fitdecode (FIT), gpxpy (GPX), xml.etree (TCX) -- none shares code with
stride-formats. The derived numbers (moving time, elevation gain, means) re-implement the
rules documented in src/summary.rs from scratch:

  * points sorted as in the file; a point with the same time as the previous one is dropped
  * moving: interval dt (s) counts when 0 < dt <= 60 and delta-distance / dt >= 0.5 m/s
  * elevation gain: hysteresis of 3 m (climb counts once 3 m above the last low; then all
    rise until 3 m below the high)
  * heart rate: mean/max over values in 25..250, one decimal; cadence mean excludes zeros
  * GPX distance: haversine, R = 6371008.8 m

Run:  python3 -m venv /tmp/pyv && /tmp/pyv/bin/pip install fitdecode gpxpy
      /tmp/pyv/bin/python sdk/formats/tests/golden/compute.py /path/to/shared/fixtures/files
"""
import math
import sys
import xml.etree.ElementTree as ET

import fitdecode
import gpxpy

FIX = sys.argv[1] if len(sys.argv) > 1 else "../shared/fixtures/files"


def dedupe(points):
    out = []
    for p in points:
        if out and p["t"] == out[-1]["t"]:
            continue
        out.append(p)
    return out


def moving(points, key="d"):
    total = 0.0
    for a, b in zip(points, points[1:]):
        dt = b["t"] - a["t"]
        if 0 < dt <= 60 and (b[key] - a[key]) / dt >= 0.5:
            total += dt
    return round(total)


def gain(alts, threshold=3.0):
    if not alts:
        return None
    anchor, climbing, g = alts[0], False, 0.0
    for a in alts[1:]:
        if climbing:
            if a > anchor:
                g += a - anchor
                anchor = a
            elif a <= anchor - threshold:
                climbing, anchor = False, a
        elif a >= anchor + threshold:
            climbing, g, anchor = True, g + a - anchor, a
        elif a < anchor:
            anchor = a
    return round(g, 1)


def hav(lat1, lon1, lat2, lon2):
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def hr_stats(values):
    v = [x for x in values if x is not None and 25 <= x <= 250]
    return (round(sum(v) / len(v), 1), round(max(v), 1)) if v else (None, None)


def fit(name):
    points, laps, session, activity = [], [], None, None
    with fitdecode.FitReader(f"{FIX}/{name}") as fr:
        for frame in fr:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            v = {f.name: f.value for f in frame.fields}
            if frame.name == "record":
                points.append({"t": v["timestamp"].timestamp(), "d": v.get("distance"),
                               "hr": v.get("heart_rate")})
            elif frame.name == "lap":
                laps.append(v)
            elif frame.name == "session":
                session = v
            elif frame.name == "activity":
                activity = v
    raw = len(points)
    points = dedupe(points)
    # fill distance gaps with the last value (as the library does)
    last = next(p["d"] for p in points if p["d"] is not None)
    for p in points:
        last = p["d"] if p["d"] is not None else last
        p["d"] = last
    avg, mx = hr_stats([p["hr"] for p in points])
    offset = (activity["local_timestamp"].replace(tzinfo=None)
              - activity["timestamp"].replace(tzinfo=None)).total_seconds()
    print(f"== {name}: {raw} records, {len(points)} after dropping repeated times")
    print(f"start_ms={int(session['start_time'].timestamp() * 1000)} utc_offset_s={offset:.0f}")
    print(f"session: elapsed={session['total_elapsed_time']} distance={session['total_distance']} "
          f"ascent={session['total_ascent']} kcal={session['total_calories']} "
          f"cadence={session.get('avg_running_cadence')} sport={session['sport']}")
    print(f"records: hr avg={avg} max={mx} moving_s={moving(points)}")
    t0 = session["start_time"].timestamp()
    for lap in laps:
        # lap heart rate (the file has none): points within [start, start + elapsed]
        s0 = lap["start_time"].timestamp() - t0
        inside = [p["hr"] for p in points if s0 <= p["t"] - t0 <= s0 + lap["total_elapsed_time"]]
        print(f"  lap start={lap['start_time']} elapsed={lap['total_elapsed_time']} "
              f"distance={lap['total_distance']} cadence={lap.get('avg_cadence')} "
              f"hr={hr_stats(inside)}")


def gpx(name):
    with open(f"{FIX}/{name}") as f:
        doc = gpxpy.parse(f)
    pts = []
    for trk in doc.tracks:
        for seg in trk.segments:
            for p in seg.points:
                ext = {}
                for e in p.extensions:
                    for child in e:
                        ext[child.tag.split("}")[-1]] = float(child.text)
                pts.append({"t": p.time.timestamp(), "lat": p.latitude, "lon": p.longitude,
                            "ele": p.elevation, "hr": ext.get("hr"), "cad": ext.get("cad")})
    raw = len(pts)
    pts = dedupe(pts)
    d = 0.0
    for i, p in enumerate(pts):
        if i:
            d += hav(pts[i - 1]["lat"], pts[i - 1]["lon"], p["lat"], p["lon"])
        p["d"] = d
    avg, mx = hr_stats([p["hr"] for p in pts])
    cads = [p["cad"] for p in pts if p["cad"]]
    print(f"== {name}: {raw} points, {len(pts)} after dropping repeated times")
    print(f"name={doc.tracks[0].name!r} type={doc.tracks[0].type!r} creator={doc.creator!r}")
    print(f"start_ms={int(pts[0]['t'] * 1000)} elapsed={pts[-1]['t'] - pts[0]['t']:.0f} "
          f"distance={d:.2f} moving_s={moving(pts)} "
          f"gain={gain([p['ele'] for p in pts if p['ele'] is not None])}")
    print(f"hr avg={avg} max={mx} cadence avg={round(sum(cads) / len(cads), 1) if cads else None}")


def tcx(name):
    ns = {"t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}
    root = ET.parse(f"{FIX}/{name}").getroot()
    act = root.find("t:Activities/t:Activity", ns)
    laps = act.findall("t:Lap", ns)
    pts = []
    for tp in act.iter("{%s}Trackpoint" % ns["t"]):
        from datetime import datetime
        t = datetime.fromisoformat(tp.find("t:Time", ns).text.replace("Z", "+00:00")).timestamp()
        d = tp.find("t:DistanceMeters", ns)
        a = tp.find("t:AltitudeMeters", ns)
        pts.append({"t": t, "d": float(d.text) if d is not None else None,
                    "ele": float(a.text) if a is not None else None})
    raw = len(pts)
    pts = dedupe(pts)
    last = next(p["d"] for p in pts if p["d"] is not None)
    mx = 0.0
    for p in pts:
        last = p["d"] if p["d"] is not None else last
        mx = max(mx, last)
        p["d"] = mx
    dist = sum(float(l.find("t:DistanceMeters", ns).text) for l in laps)
    kcal = sum(float(l.find("t:Calories", ns).text) for l in laps)
    print(f"== {name}: {raw} trackpoints, {len(pts)} after dropping repeated times; "
          f"sport={act.get('Sport')} laps={len(laps)}")
    print(f"start_ms={int(pts[0]['t'] * 1000)} elapsed={pts[-1]['t'] - pts[0]['t']:.0f} "
          f"lap distance sum={dist:.2f} kcal={kcal} moving_s={moving(pts)} "
          f"gain={gain([p['ele'] for p in pts if p['ele'] is not None])}")
    for l in laps:
        print(f"  lap start={l.get('StartTime')} time={l.find('t:TotalTimeSeconds', ns).text} "
              f"distance={l.find('t:DistanceMeters', ns).text}")


fit("fitparse_activity-small-fenix2-run.fit")
gpx("georust-gpx_garmin-activity.gpx")
gpx("georust-gpx_wahoo_example.gpx")
tcx("tcxparser_no_hr.tcx")
