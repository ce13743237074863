#!/usr/bin/env python3
"""Independent golden values for tests/multisport.rs, read from tests/data/triathlon.fit with
fitdecode (no code shared with stride-formats). The split re-implements the rules documented
in src/fit.rs from scratch:

  * a leg per session: records from its start_time to start_time + total_elapsed_time
    (both included, but not the next leg's start; records before the first start go to the
    first leg), laps whose
    start_time is in [start, end) (the last leg: every later lap)
  * a leg's totals are its session's; its elevation gain, when the session has no
    total_ascent, is the 3 m hysteresis over its records' altitudes
  * moving time: interval dt counts when 0 < dt <= 60 and delta-distance / dt >= 0.5 m/s,
    over the leg's records; the whole's moving time is the sum of the legs'
  * the whole: first start to last end; distance, ascent, kcal summed over sessions; maximum
    heart rate the sessions' maximum; average heart rate, power, cadence (cadence without
    zeros) the mean over every record, one decimal

Run:  python3 -m venv /tmp/pyv && /tmp/pyv/bin/pip install fitdecode
      /tmp/pyv/bin/python sdk/formats/tests/golden/multisport.py sdk/formats/tests/data/triathlon.fit
"""
import sys

import fitdecode


def moving(points):
    total = 0.0
    for a, b in zip(points, points[1:]):
        dt = b["t"] - a["t"]
        if 0 < dt <= 60 and (b["d"] - a["d"]) / dt >= 0.5:
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


def mean1(values):
    return round(sum(values) / len(values), 1) if values else None


def main(path):
    records, laps, sessions, offset = [], [], [], None
    with fitdecode.FitReader(path) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            v = {f.name: f.value for f in frame.fields}
            if frame.name == "record":
                records.append({
                    "t": v["timestamp"].timestamp(),
                    "d": v.get("distance"),
                    "hr": v.get("heart_rate"),
                    "alt": v.get("enhanced_altitude", v.get("altitude")),
                    "power": v.get("power"),
                    "cad": v.get("cadence"),
                })
            elif frame.name == "lap":
                laps.append({"start": v["start_time"].timestamp(),
                             "elapsed": v["total_elapsed_time"],
                             "distance": v["total_distance"]})
            elif frame.name == "session":
                sessions.append(v)
            elif frame.name == "activity":
                offset = (v["local_timestamp"].replace(tzinfo=None) - v["timestamp"].replace(tzinfo=None)).total_seconds()
    print(f"records={len(records)} laps={len(laps)} sessions={len(sessions)} utc_offset_s={offset:.0f}")
    sessions.sort(key=lambda s: s["start_time"])
    legs_moving = []
    for i, s in enumerate(sessions):
        start = s["start_time"].timestamp()
        end = start + s["total_elapsed_time"]
        following = float("inf")
        if i + 1 < len(sessions):
            following = sessions[i + 1]["start_time"].timestamp()
            end = min(end, following)
        lo = float("-inf") if i == 0 else start
        pts = [r for r in records if lo <= r["t"] <= end and r["t"] < following]
        lap_hi = float("inf") if i + 1 == len(sessions) else end
        leg_laps = [lp for lp in laps if lo <= lp["start"] < lap_hi]
        m = moving(pts)
        legs_moving.append(m)
        ascent = s.get("total_ascent")
        if ascent is None:
            ascent = gain([r["alt"] for r in pts if r["alt"] is not None])
        cadence = s.get("avg_cadence", s.get("avg_running_cadence"))
        print(
            f"leg {i + 1}: sport={s['sport']}/{s['sub_sport']} start_ms={int(start * 1000)} "
            f"elapsed={s['total_elapsed_time']} distance={s['total_distance']} "
            f"hr={s['avg_heart_rate']}/{s['max_heart_rate']} kcal={s['total_calories']} "
            f"ascent={ascent} power={s.get('avg_power')} cadence={cadence} "
            f"samples={len(pts)} moving_s={m} "
            f"laps={[(round(lp['start'] - start), lp['elapsed'], lp['distance']) for lp in leg_laps]}"
        )
    first = sessions[0]["start_time"].timestamp()
    last_end = max(s["start_time"].timestamp() + s["total_elapsed_time"] for s in sessions)
    hrs = [r["hr"] for r in records if r["hr"] is not None and 25 <= r["hr"] <= 250]
    powers = [r["power"] for r in records if r["power"] is not None]
    cads = [r["cad"] for r in records if r["cad"]]
    ascents = [s["total_ascent"] for s in sessions if s.get("total_ascent") is not None]
    print(
        f"whole: start_ms={int(first * 1000)} elapsed={last_end - first:.0f} "
        f"distance={round(sum(s['total_distance'] for s in sessions), 2)} "
        f"ascent={sum(ascents) if ascents else None} "
        f"kcal={sum(s['total_calories'] for s in sessions)} "
        f"hr={mean1(hrs)}/{max(s['max_heart_rate'] for s in sessions)} "
        f"power={mean1(powers)} cadence={mean1(cads)} moving_s={sum(legs_moving)} "
        f"samples={len(records)} laps={len(laps)}"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/triathlon.fit")
