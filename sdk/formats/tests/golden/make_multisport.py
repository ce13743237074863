#!/usr/bin/env python3
"""Writes tests/data/triathlon.fit: a small multisport FIT file (swim, T1, bike, T2, run)
as a Garmin watch lays one out -- file_id, then per leg its records, its laps and its
session, then the activity message -- with this project's own minimal FIT encoder (no
third-party code). The shared fixtures hold no multisport file.

Run from the repository root:
    python3 sdk/formats/tests/golden/make_multisport.py sdk/formats/tests/data/triathlon.fit
and read it back independently with golden/multisport.py (fitdecode).

The legs (times from 2026-06-07T05:00:00Z, the watch at UTC+2):
  swim   open water   0..1500 s   1500 m  (records every 10 s, distance from 0)
  T1     transition   1500..1620  100 m
  bike   road         1620..5220  36 km, power, cadence, altitude, ascent 120 m, 2 laps
  T2     transition   5220..5310  60 m
  run                 5310..7710  10 km with a 30 s stop, 2 laps
The device restarts the distance channel at each leg.
"""
import struct
import sys

FIT_EPOCH = 631065600
T0_UNIX = 1780808400  # 2026-06-07T05:00:00Z
T0 = T0_UNIX - FIT_EPOCH

ENUM, UINT8, UINT16, UINT32, UINT32Z = 0x00, 0x02, 0x84, 0x86, 0x8C
SIZES = {ENUM: 1, UINT8: 1, UINT16: 2, UINT32: 4, UINT32Z: 4}
FORMATS = {ENUM: "B", UINT8: "B", UINT16: "H", UINT32: "I", UINT32Z: "I"}
INVALID = {ENUM: 0xFF, UINT8: 0xFF, UINT16: 0xFFFF, UINT32: 0xFFFFFFFF, UINT32Z: 0}


def crc16(data, crc=0):
    table = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
             0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = table[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ table[nibble]
    return crc


class Fit:
    def __init__(self):
        self.data = bytearray()
        self.defs = {}

    def define(self, local, global_num, fields):
        """fields: [(field number, base type)]"""
        self.data += bytes([0x40 | local, 0, 0]) + struct.pack("<HB", global_num, len(fields))
        for num, base in fields:
            self.data += bytes([num, SIZES[base], base])
        self.defs[local] = fields

    def message(self, local, values):
        """values: {field number: raw value or None}"""
        self.data.append(local)
        for num, base in self.defs[local]:
            v = values.get(num)
            self.data += struct.pack("<" + FORMATS[base], INVALID[base] if v is None else v)

    def bytes(self):
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(self.data), b".FIT")
        header += struct.pack("<H", crc16(header))
        body = header + bytes(self.data)
        return body + struct.pack("<H", crc16(body))


# (sport, sub_sport, start s, end s, metres per 10 s step, hr base, power, cadence, laps)
LEGS = [
    (5, 18, 0, 1500, 10.0, 130, None, None, 1),
    (3, 0, 1500, 1620, 8.0, 140, None, None, 1),
    (2, 7, 1620, 5220, 100.0, 142, 200, 90, 2),
    (3, 0, 5220, 5310, 6.0, 150, None, None, 1),
    (1, 0, 5310, 7710, 41.7, 158, None, 86, 2),
]
RUN_STOP = (6000, 6030)  # standing still: no distance between these times
CALORIES = [310, 12, 820, 8, 640]
ASCENT = {2: 120}


def main(path):
    fit = Fit()
    fit.define(0, 0, [(0, ENUM), (1, UINT16), (2, UINT16), (3, UINT32Z), (4, UINT32)])
    fit.message(0, {0: 4, 1: 1, 2: 3113, 3: 123456789, 4: T0})
    fit.define(1, 20, [(253, UINT32), (5, UINT32), (3, UINT8), (4, UINT8), (7, UINT16),
                       (2, UINT16), (6, UINT16)])
    fit.define(2, 19, [(254, UINT16), (253, UINT32), (2, UINT32), (7, UINT32), (8, UINT32),
                       (9, UINT32), (15, UINT8), (16, UINT8)])
    fit.define(3, 18, [(254, UINT16), (253, UINT32), (2, UINT32), (7, UINT32), (8, UINT32),
                       (9, UINT32), (5, ENUM), (6, ENUM), (16, UINT8), (17, UINT8),
                       (11, UINT16), (22, UINT16), (20, UINT16), (18, UINT8), (25, UINT16),
                       (26, UINT16)])
    lap_index = 0
    for leg, (sport, sub, start, end, step, hr0, power, cadence, laps) in enumerate(LEGS):
        dist = 0.0
        hrs = []
        records = []
        for k, t in enumerate(range(start, end, 10)):
            if k > 0 and not (sport == 1 and RUN_STOP[0] < t <= RUN_STOP[1]):
                dist += step
            hr = hr0 + (k * 7) % 13
            hrs.append(hr)
            alt = None
            if sport == 2:
                # a 40 m hill and back, twice, plus 1 m wobbles
                phase = (t - start) % 1800
                alt = 100 + (40 * phase / 900 if phase < 900 else 40 * (1800 - phase) / 900) + (k % 2)
            elif sport == 1:
                alt = 100.0
            records.append((t, dist, hr, alt))
            speed = None if k == 0 else step / 10
            fit.message(1, {
                253: T0 + t,
                5: round(dist * 100),
                3: hr,
                4: cadence,
                7: power,
                2: None if alt is None else round((alt + 500) * 5),
                6: None if speed is None else round(speed * 1000),
            })
        total = dist
        length = end - start
        for i in range(laps):
            ls = start + i * length // laps
            le = start + (i + 1) * length // laps
            in_lap = [r for r in records if ls <= r[0] < le]
            lap_dist = (in_lap[-1][1] - in_lap[0][1]) if i + 1 < laps else total - in_lap[0][1]
            fit.message(2, {
                254: lap_index,
                253: T0 + le,
                2: T0 + ls,
                7: (le - ls) * 1000,
                8: (le - ls) * 1000,
                9: round(lap_dist * 100),
                15: round(sum(r[2] for r in in_lap) / len(in_lap)),
                16: max(r[2] for r in in_lap),
            })
            lap_index += 1
        fit.message(3, {
            254: leg,
            253: T0 + end,
            2: T0 + start,
            7: length * 1000,
            8: length * 1000,
            9: round(total * 100),
            5: sport,
            6: sub,
            16: round(sum(hrs) / len(hrs)),
            17: max(hrs),
            11: CALORIES[leg],
            22: ASCENT.get(sport),
            20: power,
            18: cadence,
            25: lap_index - laps,
            26: laps,
        })
    fit.define(4, 34, [(253, UINT32), (0, UINT32), (1, UINT16), (2, ENUM), (3, ENUM),
                       (4, ENUM), (5, UINT32)])
    end = LEGS[-1][3]
    fit.message(4, {253: T0 + end, 0: end * 1000, 1: len(LEGS), 2: 0, 3: 26, 4: 1,
                    5: T0 + end + 7200})
    with open(path, "wb") as f:
        f.write(fit.bytes())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "triathlon.fit")
