//! Small hand-built files for what the shared fixtures do not show: TCX power and heart rate
//! extensions, GPX times with an offset, gzip equivalence.

#![expect(clippy::unwrap_used, reason = "a failing unwrap is a failing test")]

use std::io::Write;

use stride_formats::read_file;
use stride_plugin_sdk::Sport;

fn tcx_point(t: &str, dist: f64, hr: u32, cad: u32, watts: u32, speed: f64) -> String {
    format!(
        "<Trackpoint><Time>{t}</Time><DistanceMeters>{dist}</DistanceMeters>\
         <HeartRateBpm><Value>{hr}</Value></HeartRateBpm><Cadence>{cad}</Cadence>\
         <Extensions><ns3:TPX><ns3:Speed>{speed}</ns3:Speed><ns3:Watts>{watts}</ns3:Watts>\
         </ns3:TPX></Extensions></Trackpoint>"
    )
}

#[test]
fn tcx_ride_with_power_heart_rate_and_cadence() {
    let points = [
        tcx_point("2024-06-01T08:00:00Z", 0.0, 120, 80, 200, 8.0),
        tcx_point("2024-06-01T08:00:10Z", 80.0, 130, 90, 250, 8.0),
        tcx_point("2024-06-01T08:00:20Z", 160.0, 141, 0, 0, 8.0),
        tcx_point("2024-06-01T08:00:30Z", 240.0, 150, 100, 300, 8.0),
    ]
    .concat();
    let text = format!(
        "<?xml version=\"1.0\"?>\n<TrainingCenterDatabase \
         xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\" \
         xmlns:ns3=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\">\
         <Activities><Activity Sport=\"Biking\"><Id>2024-06-01T08:00:00Z</Id>\
         <Lap StartTime=\"2024-06-01T08:00:00Z\"><TotalTimeSeconds>30</TotalTimeSeconds>\
         <DistanceMeters>240</DistanceMeters><Calories>12</Calories>\
         <AverageHeartRateBpm><Value>135</Value></AverageHeartRateBpm>\
         <MaximumHeartRateBpm><Value>150</Value></MaximumHeartRateBpm>\
         <Track>{points}</Track>\
         <Extensions><ns3:LX><ns3:AvgWatts>187</ns3:AvgWatts></ns3:LX></Extensions></Lap>\
         </Activity></Activities>\
         <Author><Name>someone</Name></Author></TrainingCenterDatabase>"
    );
    let a = read_file("ride.tcx", text.as_bytes()).unwrap();
    assert_eq!(a.sport, Sport::Ride);
    assert_eq!(a.duration_s, 30);
    assert_eq!(a.moving_time_s, Some(30));
    assert_eq!(a.distance_m, Some(240.0));
    assert_eq!(a.energy_kcal, Some(12.0));
    // Means over the points: HR (120+130+141+150)/4 = 135.25 → 135.3; power includes the
    // zero (750/4 = 187.5); cadence excludes it (270/3 = 90).
    assert_eq!(a.avg_hr, Some(135.3));
    assert_eq!(a.max_hr, Some(150.0));
    assert_eq!(a.avg_power_w, Some(187.5));
    assert_eq!(a.avg_cadence, Some(90.0));
    let lap = &a.laps[0];
    assert_eq!(
        (lap.avg_hr, lap.max_hr, lap.avg_power_w),
        (Some(135.0), Some(150.0), Some(187.0))
    );
    let s = a.samples.unwrap();
    assert_eq!(s.power_w.unwrap(), vec![200.0, 250.0, 0.0, 300.0]);
    assert_eq!(s.speed_mps.unwrap(), vec![8.0; 4]);
    assert_eq!(s.heart_rate.unwrap(), vec![120.0, 130.0, 141.0, 150.0]);
}

#[test]
fn gpx_times_with_an_offset_and_power() {
    let text = "<?xml version=\"1.0\"?><gpx creator=\"watch\"><trk><type>cycling</type><trkseg>\
        <trkpt lat=\"45.0\" lon=\"7.0\"><ele>100</ele><time>2024-06-01T10:00:00+02:00</time>\
        <extensions><power>150</power></extensions></trkpt>\
        <trkpt lat=\"45.001\" lon=\"7.0\"><ele>104</ele><time>2024-06-01T10:00:20+02:00</time>\
        <extensions><power>250</power></extensions></trkpt></trkseg></trk></gpx>";
    let a = read_file("ride.gpx", text.as_bytes()).unwrap();
    assert_eq!(a.start_ms, 1_717_228_800_000); // 08:00:00Z
    assert_eq!(a.utc_offset_s, Some(7200));
    assert_eq!(a.sport, Sport::Ride);
    assert_eq!(a.avg_power_w, Some(200.0));
    assert_eq!(a.elevation_gain_m, Some(4.0));
    // 0.001° of latitude is 111.195 m; 20 s at 5.6 m/s is moving.
    assert!((a.distance_m.unwrap() - 111.2).abs() < 0.01);
    assert_eq!(a.moving_time_s, Some(20));
}

#[test]
fn the_same_file_gzipped_is_the_same_activity() {
    let text = "<?xml version=\"1.0\"?><gpx><trk><trkseg>\
        <trkpt lat=\"45.0\" lon=\"7.0\"><time>2024-06-01T10:00:00Z</time></trkpt>\
        <trkpt lat=\"45.001\" lon=\"7.0\"><time>2024-06-01T10:00:20Z</time></trkpt>\
        </trkseg></trk></gpx>";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let plain = read_file("a.gpx", text.as_bytes()).unwrap();
    let zipped = read_file("a.gpx.gz", &gz).unwrap();
    assert_eq!(plain.external_id, zipped.external_id);
    assert_eq!(format!("{plain:?}"), format!("{zipped:?}"));
    // One byte different is another activity.
    let other = read_file("a.gpx", text.replace("45.001", "45.002").as_bytes()).unwrap();
    assert_ne!(plain.external_id, other.external_id);
}
