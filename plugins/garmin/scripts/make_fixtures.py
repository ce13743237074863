#!/usr/bin/env python3
"""Writes the `stride plugin test` cases under plugins/garmin/fixtures from the recorded Garmin
payloads in shared/fixtures/garmin (every payload is used at least once), plus hostile cases.

Only `input.json`, `http.json`, `kv.json`, `settings.json` and `secrets.json` are written here;
`expected.json` is recorded with `stride plugin test … --update` and read before committing.

    python3 plugins/garmin/scripts/make_fixtures.py [path/to/shared/fixtures/garmin]
"""

import copy
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "fixtures"
SHARED = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared" / "fixtures" / "garmin"

OW = json.loads((SHARED / "open-wearables-push-payloads.json").read_text())
RADAR = json.loads((SHARED / "radar-base-health-activity-payloads.json").read_text())

CLIENT_ID = "stride-client-1"
SETTINGS = {"client_id": CLIENT_ID}
ATHLETE_ID = "0190f5c2-4a7e-7cc0-9a4e-1f2d3c4b5a69"
NOW = "2026-03-02T12:00:00Z"
NOW_S = 1772452800
BASE = "https://apis.garmin.com/wellness-api/rest"


def athlete(external_id):
    return {"id": ATHLETE_ID, "external_id": external_id, "time_zone": "Europe/Oslo"}


def write(name, input_, http=None, kv=None, settings=None):
    case = OUT / name
    case.mkdir(parents=True, exist_ok=True)
    (case / "input.json").write_text(json.dumps(input_, indent=2) + "\n")
    for file, value in (("http.json", http), ("kv.json", kv), ("settings.json", settings)):
        path = case / file
        if value is None:
            if path.exists():
                path.unlink()
        else:
            path.write_text(json.dumps(value, indent=2) + "\n")


def push(name, body, headers=None, settings=SETTINGS, method="POST", path=""):
    if headers is None:
        headers = {"garmin-client-id": CLIENT_ID, "content-type": "application/json"}
    write(
        name,
        {"call": "handle-webhook", "request": {"method": method, "path": path, "headers": headers, "body": body}},
        settings=settings,
    )


def job(name, kind, payload, external_id, http=None, kv=None, settings=SETTINGS):
    write(
        name,
        {"call": "run-job", "now": NOW, "job": {"kind": kind, "payload": payload, "athlete": athlete(external_id)}},
        http=http,
        kv=kv,
        settings=settings,
    )


def ingest(name, kind, items, external_id, **kw):
    job(name, "ingest", {"type": kind, "items": items}, external_id, **kw)


def without_source(body):
    return {k: v for k, v in body.items() if not k.startswith("_")}


# --- manifest -----------------------------------------------------------------------------
write("manifest", {"call": "manifest"})

# --- pushes: every recorded body goes through the webhook ------------------------------------
for key, body in OW.items():
    if key.startswith("_"):
        continue
    push("push-ow-" + key.removeprefix("push_").replace("_", "-"), without_source(body))
for key in ("DAILIES", "SLEEPS", "BODY_COMPS", "STRESS", "USER_METRICS", "RESPIRATION", "HRV", "ACTIVITIES", "ACTIVITY_DETAILS"):
    push("push-radar-" + key.lower().replace("_", "-"), RADAR[key], path="/" + next(iter(RADAR[key])))
# Types Stride has no record for: acknowledged, nothing queued.
unmodelled = {}
for key in ("EPOCH", "PULSE_OX", "HEALTH_SNAPSHOT", "BLOOD_PRESSURE", "MOVE_IQ"):
    unmodelled.update(RADAR[key])
push("push-radar-unmodelled-types", unmodelled)

# --- jobs: what the pushes queued, turned into records --------------------------------------
ow_user = "garmin_user_123"
ingest("ingest-ow-activities", "activities", OW["push_activities"]["activities"], ow_user)
ingest("ingest-ow-hrv", "hrv", OW["push_hrv"]["hrv"], ow_user)
ingest("ingest-ow-dailies", "dailies", OW["push_dailies"]["dailies"], ow_user)
ingest("ingest-ow-sleep-tentative", "sleeps", OW["push_sleeps"]["sleeps"], ow_user)
final_sleep = copy.deepcopy(OW["push_sleeps"]["sleeps"])
final_sleep[0].update({"validation": "ENHANCED_FINAL", "deepSleepDurationInSeconds": 6000,
                       "lightSleepDurationInSeconds": 15000, "remSleepInSeconds": 6000,
                       "awakeDurationInSeconds": 1800, "overallSleepScore": {"value": 81, "qualifierKey": "GOOD"}})
ingest("ingest-ow-sleep-final", "sleeps", final_sleep, ow_user)

radar_by_user = lambda key, field, user: [i for i in RADAR[key][field] if i["userId"] == user]
ingest("ingest-radar-dailies", "dailies", radar_by_user("DAILIES", "dailies", "sub-1"), "sub-1")
ingest("ingest-radar-dailies-no-date", "dailies", radar_by_user("DAILIES", "dailies", "sub-2"), "sub-2")
ingest("ingest-radar-sleeps-stages", "sleeps", radar_by_user("SLEEPS", "sleeps", "sub-1"), "sub-1")
ingest("ingest-radar-sleeps-score", "sleeps", radar_by_user("SLEEPS", "sleeps", "sub-2"), "sub-2")
ingest("ingest-radar-body-comps", "bodyComps", radar_by_user("BODY_COMPS", "bodyComps", "sub-1"), "sub-1")
ingest("ingest-radar-stress-details", "stressDetails", RADAR["STRESS"]["stressDetails"], "sub-1")
# Stress details arriving after the day's daily: one merged day, the daily's stress kept.
ingest("ingest-radar-stress-merges-with-daily", "stressDetails", RADAR["STRESS"]["stressDetails"], "sub-1",
       kv={f"athlete:{ATHLETE_ID}|day:2017-03-23": {"daily": {"resting_hr": 51.0, "stress_score": 30, "steps": 9000,
                                                              "active_kcal": 400.0, "body_battery_high": None,
                                                              "body_battery_low": None, "detail_stress": None},
                                                    "stress": {}}})
ingest("ingest-radar-user-metrics", "userMetrics", RADAR["USER_METRICS"]["userMetrics"], "sub-1")
ingest("ingest-radar-respiration", "allDayRespiration", RADAR["RESPIRATION"]["allDayRespiration"], "sub-1")
ingest("ingest-radar-hrv", "hrv", RADAR["HRV"]["hrv"], "sub-1")
ingest("ingest-radar-activities", "activities", radar_by_user("ACTIVITIES", "activities", "sub-1"), "sub-1")
ingest("ingest-radar-activities-cycling", "activities", radar_by_user("ACTIVITIES", "activities", "sub-2"), "sub-2")
ingest("ingest-radar-activity-details", "activityDetails", RADAR["ACTIVITY_DETAILS"]["activityDetails"], "sub-1")
# The same details with the two samples moved inside the activity (the documented example
# stamps them years later): samples and laps with values.
details = copy.deepcopy(RADAR["ACTIVITY_DETAILS"]["activityDetails"])
start = details[0]["summary"]["startTimeInSeconds"]
details[0]["samples"][0]["startTimeInSeconds"] = start + 780
details[0]["samples"][1]["startTimeInSeconds"] = start + 789
details[0]["samples"].append({"startTimeInSeconds": start + 800, "heartRate": 131, "speedMetersPerSecond": 2.9,
                              "totalDistanceInMeters": 1950.5, "powerInWatts": 250, "stepsPerMinute": 170})
ingest("ingest-radar-activity-details-samples", "activityDetails", details, "sub-1")
# A day re-sent as it fills in: the newest replaces the stored one, same id.
later = copy.deepcopy(OW["push_dailies"]["dailies"])
later[0].update({"steps": 11002, "activeKilocalories": 712, "durationInSeconds": 86400})
ingest("ingest-ow-dailies-resent", "dailies", later, ow_user,
       kv={f"athlete:{ATHLETE_ID}|day:2026-01-13": {"daily": {"resting_hr": 43.0, "stress_score": None, "steps": 7694,
                                                              "active_kcal": 503.0, "body_battery_high": None,
                                                              "body_battery_low": None, "detail_stress": None},
                                                    "stress": {}}})
# Multisport: the parent is not stored, the legs name it.
multisport = [
    {"userId": "sub-1", "summaryId": "900", "activityId": 900, "activityType": "MULTI_SPORT", "isParent": True,
     "startTimeInSeconds": 1767600000, "durationInSeconds": 7200},
    {"userId": "sub-1", "summaryId": "901", "activityId": 901, "activityType": "OPEN_WATER_SWIMMING",
     "parentSummaryId": "900", "startTimeInSeconds": 1767600000, "durationInSeconds": 1500, "distanceInMeters": 1500},
    {"userId": "sub-1", "summaryId": "902", "activityId": 902, "activityType": "ROAD_BIKING",
     "parentSummaryId": "900", "startTimeInSeconds": 1767601600, "durationInSeconds": 3600,
     "averageBikeCadenceInRoundsPerMinute": 88, "averagePowerInWatts": 210},
    {"userId": "sub-1", "summaryId": "903", "activityId": 903, "activityType": "RUNNING",
     "parentSummaryId": "900", "startTimeInSeconds": 1767605300, "durationInSeconds": 1900},
]
ingest("ingest-multisport", "activities", multisport, "sub-1")
# Hostile items: another user's, wrong types, missing fields, numeric strings.
hostile_items = [
    RADAR["DAILIES"]["dailies"][1],                                   # sub-2's: never lands on sub-1
    {"userId": "sub-1", "summaryId": "bad-1", "calendarDate": 20160111, "steps": "lots"},
    {"userId": "sub-1", "summaryId": "ok-2", "calendarDate": "2016-01-12", "steps": "4100",
     "restingHeartRateInBeatsPerMinute": [], "averageStressLevel": -1},
    "not an object",
    None,
]
ingest("ingest-hostile-items", "dailies", hostile_items, "sub-1")
ingest("ingest-hostile-activities", "activities", [
    {"userId": "sub-1", "activityId": 1, "startTimeInSeconds": "soon", "durationInSeconds": 60},
    {"userId": "sub-1", "activityId": 2, "startTimeInSeconds": 1767600000, "durationInSeconds": -5},
    {"userId": "sub-1", "activityId": 3, "startTimeInSeconds": 1767600000, "durationInSeconds": 600,
     "activityType": {"nested": True}, "samples": "many", "laps": [1, 2, None]},
], "sub-1")
job("ingest-missing-type", "ingest", {"items": []}, "sub-1")

# --- ping: the callback URL is fetched with the athlete's token -----------------------------
ping = OW["ping_activities_from_docstring"]["activities"][0]
job("pull-ow-activities", "pull", {"type": "activities", "url": ping["callbackURL"]}, ping["userId"],
    http=[{"method": "GET", "url": ping["callbackURL"], "status": 200,
           "body": [dict(OW["push_activities"]["activities"][0], userId=ping["userId"])]}])
job("pull-link-used", "pull", {"type": "activities", "url": ping["callbackURL"]}, ping["userId"],
    http=[{"method": "GET", "url": ping["callbackURL"], "status": 410, "body": "gone"}])
job("pull-rate-limited", "pull", {"type": "activities", "url": ping["callbackURL"]}, ping["userId"],
    http=[{"method": "GET", "url": ping["callbackURL"], "status": 429, "headers": {"retry-after": "120"}, "body": ""}])
job("pull-foreign-host", "pull", {"type": "dailies", "url": "https://evil.example/steal?token=1"}, ping["userId"])

# --- lifecycle --------------------------------------------------------------------------------
job("revoke", "revoke", {"reason": "the athlete disconnected Stride in Garmin Connect"}, ow_user)
job("permissions-missing-history", "permissions", {}, ow_user,
    http=[{"method": "GET", "url": f"{BASE}/user/permissions", "status": 200,
           "body": OW["push_userPermissionsChange"]["userPermissionsChange"][0]["permissions"]}])
job("permissions-all-granted", "permissions", {}, ow_user,
    http=[{"method": "GET", "url": f"{BASE}/user/permissions", "status": 200,
           "body": ["ACTIVITY_EXPORT", "HEALTH_EXPORT", "HISTORICAL_DATA_EXPORT", "WELLNESS_EXPORT"]}])
job("permissions-partner-gateway-path", "permissions", {}, ow_user,
    settings=dict(SETTINGS, api_path="/partner-gateway/rest"),
    http=[{"method": "GET", "url": "https://apis.garmin.com/partner-gateway/rest/user/permissions", "status": 200,
           "body": ["ACTIVITY_EXPORT", "HEALTH_EXPORT", "HISTORICAL_DATA_EXPORT"]}])

# --- history: backfill requests -----------------------------------------------------------
def history(name, cursor, status, page=1, headers=None, kind="dailies", window=0, end=NOW_S):
    to = end - window * 30 * 86400
    frm = max(to - 30 * 86400, end - 90 * 86400)
    url = f"{BASE}/backfill/{kind}?summaryStartTimeInSeconds={frm}&summaryEndTimeInSeconds={to}"
    write(name, {"call": "import-history", "now": NOW,
                 "history": {"run": "run-1", "page": page, "cursor": cursor, "athlete": athlete(ow_user)}},
          http=[{"method": "GET", "url": url, "status": status, "headers": headers or {}, "body": ""}],
          settings=SETTINGS)


history("history-first-request", None, 202)
history("history-already-requested", json.dumps({"end": NOW_S, "window": 0, "kind": 1}), 409, page=2, kind="sleeps")
history("history-not-shared", None, 403)
history("history-rate-limited", None, 429, headers={"retry-after": "300"})
history("history-last-window", json.dumps({"end": NOW_S, "window": 2, "kind": 7}), 202, page=24,
        kind="userMetrics", window=2)

# --- hostile webhooks -------------------------------------------------------------------------
daily_body = without_source(OW["push_dailies"])
push("push-missing-client-id", daily_body, headers={"content-type": "application/json"})
push("push-wrong-client-id", daily_body, headers={"garmin-client-id": "someone-else"})
push("push-no-client-id-configured", daily_body, settings=None)
push("push-malformed-json", '{"dailies": [{"userId": "garmin_user_123", ')
push("push-wrong-shape", {"dailies": {"userId": "garmin_user_123"}})
push("push-get-refused", {}, method="GET")
push("push-unknown-user-and-bad-ids", {"dailies": [
    {"userId": "never-connected-here", "summaryId": "d-1", "calendarDate": "2026-01-13"},
    {"userId": 42, "summaryId": "d-2", "calendarDate": "2026-01-13"},
    {"userId": {"id": "x"}, "summaryId": "d-3"},
    {"summaryId": "d-4"},
    17,
], "sleeps": [], "somethingNew": [{"userId": "garmin_user_123"}]})
# Compact text, not pretty JSON: 10,001 items, one over the default cap.
push("push-huge-array-refused", json.dumps({"dailies": [{"userId": "u"}] * 10001}, separators=(",", ":")))
push("push-many-items-batched", {"dailies": [{"userId": "garmin_user_123", "summaryId": f"d{i}"} for i in range(250)]})

# --- activityFiles: only by ping; the file is fetched once and read by stride-formats -------
FILES = SHARED.parent / "files"
file_url = f"{BASE}/activityFile?id=55501&token=f1"
file_ping = {"activityFiles": [{"userId": ow_user, "summaryId": "55501-file", "fileType": "GPX",
                                "callbackURL": file_url, "startTimeInSeconds": 1767600000,
                                "activityId": 55501, "activityName": "Evening ride", "manual": False}]}
push("push-activity-files-ping", file_ping)
file_job = {"url": file_url, "fileType": "GPX", "activityId": 55501, "activityName": "Evening ride"}
# The recorded harness serves text bodies only: the 3-point Wahoo GPX (empty elevations).
job("file-gpx", "file", file_job, ow_user,
    http=[{"method": "GET", "url": file_url, "status": 200,
           "body": (FILES / "georust-gpx_wahoo_example.gpx").read_text()}])
job("file-not-what-it-says", "file", dict(file_job, fileType="FIT"), ow_user,
    http=[{"method": "GET", "url": file_url, "status": 200, "body": "this is not a FIT file"}])
job("file-link-used", "file", file_job, ow_user,
    http=[{"method": "GET", "url": file_url, "status": 410, "body": ""}])
