#!/usr/bin/env python3
"""Deterministic inputs for the Stride vs FitTrackee import benchmark.

    gen.py gpx    OUT_DIR [--count 200] [--seed 14]
        45-minute runs, one point a second (2,700 trackpoints), lat/lon/ele/time and heart
        rate + cadence in Garmin's TrackPointExtension; each run on its own day.
    gen.py fit    OUT_DIR [--count 200] [--fixtures DIR]
        Distinct activities made from the shared Fenix 2 FIT fixture (47 minutes, 2,809
        records): every absolute date_time field is moved by a whole number of weeks (a
        multiple of 32 s, so compressed-timestamp headers stay valid) and the file CRC is
        recomputed. Nothing else changes. (The compressed-speed-distance fixture cannot be
        made distinct this way: its times are relative to device uptime, and it has no GPS.)
    gen.py export OUT_ZIP [--count 2500] [--seed 2016] [--fixtures DIR]
        A "10-year Garmin export": a zip of ~COUNT activities spread over ten years, half
        FIT (time-shifted fixtures), the rest synthetic GPX and TCX of 20 to 90 minutes.

Everything here is seeded: the same arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import struct
import sys
import zipfile
from datetime import datetime, timedelta, timezone

FIXTURES = "/work/shared/fixtures/files"
# The fixture the FIT sets are made from (a whole run with GPS and absolute times).
FIT_SOURCE = "fitparse_activity-small-fenix2-run.fit"
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=timezone.utc)
DAY = 86_400

# Start points of the synthetic runs: parks and river paths in a few cities.
PLACES = [
    (59.9139, 10.7522),  # Oslo
    (48.8566, 2.3522),  # Paris
    (45.7640, 4.8357),  # Lyon
    (52.5200, 13.4050),  # Berlin
    (51.5072, -0.1276),  # London
    (40.4168, -3.7038),  # Madrid
    (47.3769, 8.5417),  # Zurich
    (43.6047, 1.4442),  # Toulouse
]


# ---------------------------------------------------------------------------------------------
# Synthetic tracks


def track(rng: random.Random, seconds: int):
    """A run: (lat, lon, ele, hr, cadence) once a second, with a smooth random heading,
    pace, hills and a heart rate that drifts up with effort."""
    lat, lon = rng.choice(PLACES)
    lat += rng.uniform(-0.05, 0.05)
    lon += rng.uniform(-0.05, 0.05)
    heading = rng.uniform(0, 2 * math.pi)
    base_speed = rng.uniform(2.6, 3.6)  # m/s: 4:38 to 6:25 per km
    ele = rng.uniform(20, 400)
    hr = rng.uniform(95, 110)
    hr_target = rng.uniform(138, 162)
    turn = 0.0
    grade = 0.0
    points = []
    for t in range(seconds):
        turn = 0.97 * turn + rng.gauss(0, 0.004)
        heading += turn
        grade = 0.995 * grade + rng.gauss(0, 0.0015)
        grade = max(-0.08, min(0.08, grade))
        speed = max(1.5, base_speed * (1 - 3 * grade) + rng.gauss(0, 0.08))
        d = speed  # metres in this second
        lat += (d * math.cos(heading)) / 111_320
        lon += (d * math.sin(heading)) / (111_320 * math.cos(math.radians(lat)))
        ele += d * grade
        target = hr_target + 40 * grade + 4 * t / max(1, seconds)
        hr += (target - hr) * 0.02 + rng.gauss(0, 0.6)
        cadence = int(round(82 + 6 * (speed - 3) + rng.gauss(0, 1)))
        points.append((lat, lon, ele, int(round(hr)), cadence))
    return points


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def gpx_bytes(rng: random.Random, start: datetime, seconds: int, name: str) -> bytes:
    """A Garmin Connect-style GPX export."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx creator="Garmin Connect" version="1.1"'
        ' xsi:schemaLocation="http://www.topografix.com/GPX/1/1'
        " http://www.topografix.com/GPX/11.xsd\""
        ' xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
        ' xmlns="http://www.topografix.com/GPX/1/1"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"  <metadata>\n    <time>{iso(start)}</time>\n  </metadata>\n"
        f"  <trk>\n    <name>{name}</name>\n    <type>running</type>\n    <trkseg>\n"
    ]
    for i, (lat, lon, ele, hr, cad) in enumerate(track(rng, seconds)):
        out.append(
            f'      <trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{ele:.1f}</ele>'
            f"<time>{iso(start + timedelta(seconds=i))}</time><extensions>"
            f"<ns3:TrackPointExtension><ns3:hr>{hr}</ns3:hr><ns3:cad>{cad}</ns3:cad>"
            "</ns3:TrackPointExtension></extensions></trkpt>\n"
        )
    out.append("    </trkseg>\n  </trk>\n</gpx>\n")
    return "".join(out).encode()


def tcx_bytes(rng: random.Random, start: datetime, seconds: int) -> bytes:
    """A Garmin TCX activity with one lap."""
    pts = track(rng, seconds)
    rows = []
    dist = 0.0
    prev = None
    for i, (lat, lon, ele, hr, cad) in enumerate(pts):
        if prev is not None:
            dlat = math.radians(lat - prev[0])
            dlon = math.radians(lon - prev[1])
            a = (
                math.sin(dlat / 2) ** 2
                + math.cos(math.radians(lat)) * math.cos(math.radians(prev[0])) * math.sin(dlon / 2) ** 2
            )
            dist += 2 * 6_371_000 * math.asin(math.sqrt(a))
        prev = (lat, lon)
        rows.append(
            f"<Trackpoint><Time>{iso(start + timedelta(seconds=i))}</Time><Position>"
            f"<LatitudeDegrees>{lat:.7f}</LatitudeDegrees><LongitudeDegrees>{lon:.7f}</LongitudeDegrees>"
            f"</Position><AltitudeMeters>{ele:.1f}</AltitudeMeters><DistanceMeters>{dist:.1f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm><Cadence>{cad // 2}</Cadence></Trackpoint>\n"
        )
    avg_hr = sum(p[3] for p in pts) // len(pts)
    max_hr = max(p[3] for p in pts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n'
        f'<Activities><Activity Sport="Running"><Id>{iso(start)}</Id>\n'
        f'<Lap StartTime="{iso(start)}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
        f"<DistanceMeters>{dist:.1f}</DistanceMeters><Calories>{int(dist / 1000 * 65)}</Calories>"
        f"<AverageHeartRateBpm><Value>{avg_hr}</Value></AverageHeartRateBpm>"
        f"<MaximumHeartRateBpm><Value>{max_hr}</Value></MaximumHeartRateBpm>"
        "<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>\n<Track>\n"
        + "".join(rows)
        + "</Track></Lap>\n<Creator><Name>Forerunner 255</Name></Creator></Activity></Activities>\n"
        "</TrainingCenterDatabase>\n"
    ).encode()


# ---------------------------------------------------------------------------------------------
# FIT time shifting


def _crc16(data: bytes, crc: int = 0) -> int:
    """The FIT file CRC (CRC-16, polynomial 0xA001, nibble-wise as the FIT protocol describes)."""
    table = (
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
        0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    )  # fmt: skip
    for byte in data:
        tmp = table[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ table[byte & 0xF]
        tmp = table[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ table[(byte >> 4) & 0xF]
    return crc


def _date_time_fields() -> set[tuple[int, int]]:
    """(global message number, field number) of every date_time field in the FIT profile."""
    fields: set[tuple[int, int]] = set()
    try:
        from fitdecode import profile  # installed with FitTrackee in the bench venv
    except ImportError:  # the fields the fixtures use
        return {(0, 4), (19, 2), (18, 2), (34, 5)}
    for num, mt in profile.MESSAGE_TYPES.items():
        for fnum, field in getattr(mt, "fields", {}).items():
            if field.type.name in ("date_time", "local_date_time"):
                fields.add((num, fnum))
    return fields


DATE_TIME_FIELDS = _date_time_fields()


def shift_fit(data: bytes, seconds: int) -> bytes:
    """`data` with every absolute timestamp moved by `seconds` (a multiple of 32)."""
    if seconds % 32:
        raise ValueError("shift by a multiple of 32 s (compressed timestamps)")
    buf = bytearray(data)
    header_size = buf[0]
    (data_size,) = struct.unpack_from("<I", buf, 4)
    if buf[8:12] != b".FIT":
        raise ValueError("not a FIT file")
    pos, end = header_size, header_size + data_size
    defs: dict[int, tuple[str, int, list[tuple[int, int]], int]] = {}
    while pos < end:
        head = buf[pos]
        pos += 1
        if head & 0x80:  # compressed-timestamp data message
            local, is_def, has_dev = (head >> 5) & 0x3, False, False
        else:
            local, is_def, has_dev = head & 0x0F, bool(head & 0x40), bool(head & 0x20)
        if is_def:
            arch = "<" if buf[pos + 1] == 0 else ">"
            (global_num,) = struct.unpack_from(arch + "H", buf, pos + 2)
            count = buf[pos + 4]
            pos += 5
            fields = [(buf[pos + 3 * i], buf[pos + 3 * i + 1]) for i in range(count)]
            pos += 3 * count
            dev_size = 0
            if has_dev:
                dev_count = buf[pos]
                pos += 1
                dev_size = sum(buf[pos + 3 * i + 1] for i in range(dev_count))
                pos += 3 * dev_count
            defs[local] = (arch, global_num, fields, dev_size)
            continue
        arch, global_num, fields, dev_size = defs[local]
        for fnum, size in fields:
            if size == 4 and (fnum == 253 or (global_num, fnum) in DATE_TIME_FIELDS):
                (value,) = struct.unpack_from(arch + "I", buf, pos)
                # Below 0x10000000 a date_time is relative (device uptime); 0xFFFFFFFF is unset.
                if 0x10000000 <= value < 0xFFFFFFFF:
                    struct.pack_into(arch + "I", buf, pos, value + seconds)
            pos += size
        pos += dev_size
    body = bytes(buf[:end])
    return body + struct.pack("<H", _crc16(body))


def fit_start(data: bytes) -> datetime | None:
    """The first absolute record timestamp, for naming."""
    try:
        import fitdecode
        import io

        with fitdecode.FitReader(io.BytesIO(data)) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                    value = frame.get_value("timestamp", fallback=None)
                    if isinstance(value, datetime):
                        return value
    except Exception:  # noqa: BLE001 - naming only
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Commands


def cmd_gpx(args) -> None:
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    first = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for i in range(args.count):
        start = first + timedelta(days=i, hours=rng.randint(5, 19), minutes=rng.randint(0, 59))
        name = f"run-{i + 1:03d}"
        data = gpx_bytes(rng, start, 45 * 60, f"Morning Run {i + 1}")
        with open(os.path.join(args.out, f"{name}.gpx"), "wb") as f:
            f.write(data)
    print(f"{args.count} GPX files in {args.out}")


def cmd_fit(args) -> None:
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.fixtures, FIT_SOURCE), "rb") as f:
        source = f.read()
    stem = FIT_SOURCE.removesuffix(".fit")
    for i in range(args.count):
        data = shift_fit(source, (i + 1) * 7 * DAY)
        with open(os.path.join(args.out, f"{stem}-{i + 1:03d}.fit"), "wb") as f:
            f.write(data)
    print(f"{args.count} FIT files in {args.out} (time-shifted copies of {FIT_SOURCE})")


def cmd_export(args) -> None:
    rng = random.Random(args.seed)
    with open(os.path.join(args.fixtures, FIT_SOURCE), "rb") as f:
        fenix = f.read()
    fenix_start = fit_start(fenix) or datetime(2015, 8, 15, 14, 45, 8, tzinfo=timezone.utc)
    first_day = datetime(2016, 1, 1, tzinfo=timezone.utc)
    days = 3653
    # Distinct days (one activity a day at most), sorted: ~2,500 of ten years' 3,653 days.
    chosen = sorted(rng.sample(range(days), args.count))
    counts = {"fit": 0, "gpx": 0, "tcx": 0}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with zipfile.ZipFile(args.out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for n, day in enumerate(chosen):
            start = first_day + timedelta(days=day, hours=rng.randint(5, 19), minutes=rng.randint(0, 59))
            kind = rng.choices(["fit", "gpx", "tcx"], weights=[50, 35, 15])[0]
            counts[kind] += 1
            if kind == "fit":
                # Move the fixture to this day (whole days only: its time of day stays).
                shift_days = (start.date() - fenix_start.date()).days
                data = shift_fit(fenix, shift_days * DAY)
                when = fenix_start + timedelta(days=shift_days)
            else:
                seconds = rng.randint(20, 90) * 60
                if kind == "gpx":
                    data = gpx_bytes(rng, start, seconds, f"Run {n + 1}")
                else:
                    data = tcx_bytes(rng, start, seconds)
                when = start
            # Garmin's bulk export keeps uploads under DI_CONNECT/DI-Connect-Uploaded-Files.
            name = f"DI_CONNECT/DI-Connect-Uploaded-Files/{when:%Y-%m-%d_%H-%M-%S}_{n + 1:05d}.{kind}"
            zf.writestr(name, data)
        zf.writestr("DI_CONNECT/DI-Connect-User/user_profile.json", '{"userName": "bench"}')
    size = os.path.getsize(args.out)
    print(
        f"{args.count} activities ({counts['fit']} FIT, {counts['gpx']} GPX, {counts['tcx']} TCX)"
        f" in {args.out} ({size / 1e6:.1f} MB)"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("gpx")
    p.add_argument("out")
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--seed", type=int, default=14)
    p.set_defaults(run=cmd_gpx)
    p = sub.add_parser("fit")
    p.add_argument("out")
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--fixtures", default=FIXTURES)
    p.set_defaults(run=cmd_fit)
    p = sub.add_parser("export")
    p.add_argument("out")
    p.add_argument("--count", type=int, default=2500)
    p.add_argument("--seed", type=int, default=2016)
    p.add_argument("--fixtures", default=FIXTURES)
    p.set_defaults(run=cmd_export)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
