//! Runs the fake Garmin on its own (work in progress).

fn main() {
    eprintln!("the fake Garmin is not built yet");
}
