//! Prints what `stride-formats` reads from activity files:
//! `cargo run -p stride-formats --example dump -- FILE…` (zip archives entry by entry).

use std::fs::File;

use stride_formats::archive::{Entry, Zip};
use stride_formats::{Activity, Format, Limits};

fn show(name: &str, activity: &Activity) {
    let samples = activity.samples.as_ref().map_or(0, |s| s.time_s.len());
    println!(
        "{name}: sport={:?} detail={:?} name={:?} start_ms={} offset={:?} elapsed={} moving={:?} \
         distance={:?} gain={:?} hr={:?}/{:?} power={:?} cadence={:?} kcal={:?} device={:?} \
         samples={samples} laps={} id={} parent={:?}",
        activity.sport,
        activity.sport_detail,
        activity.name,
        activity.start_ms,
        activity.utc_offset_s,
        activity.duration_s,
        activity.moving_time_s,
        activity.distance_m,
        activity.elevation_gain_m,
        activity.avg_hr,
        activity.max_hr,
        activity.avg_power_w,
        activity.avg_cadence,
        activity.energy_kcal,
        activity.device,
        activity.laps.len(),
        activity.external_id,
        activity.parent_external_id,
    );
}

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        if stride_formats::sniff(&bytes) == Some(Format::Zip) {
            let Ok(file) = File::open(&path) else {
                continue;
            };
            match Zip::open(&path, file, Limits::default()) {
                Ok(mut zip) => {
                    while let Some(entry) = zip.next_entry() {
                        match entry {
                            Entry::Activity {
                                name,
                                activity,
                                legs,
                            } => {
                                show(&name, &activity);
                                for (i, leg) in legs.iter().enumerate() {
                                    show(&format!("{name} leg {}", i + 1), leg);
                                }
                            }
                            Entry::Skipped { name } => println!("{name}: skipped"),
                            Entry::Problem(e) => println!("{e}"),
                        }
                    }
                }
                Err(e) => println!("{e}"),
            }
            continue;
        }
        match stride_formats::read_recording_with(&path, &bytes, &Limits::default()) {
            Ok(recording) => {
                show(&path, &recording.whole);
                for (i, leg) in recording.legs.iter().enumerate() {
                    show(&format!("{path} leg {}", i + 1), leg);
                }
            }
            Err(e) => println!("{e}"),
        }
    }
}
