use crossroads::diag::Sources;
use crossroads::pack::schema::RawFile;
use std::time::Instant;
fn main() {
    let files = crossroads::pack::load::embedded_files();
    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        let mut s = Sources::default();
        crossroads::pack::load::load_files(files.clone(), &mut s).unwrap();
    }
    println!("full load {:?}", t.elapsed() / n);
    let t = Instant::now();
    let mut parsed = vec![];
    for _ in 0..n {
        parsed.clear();
        for (i, (_, _, text)) in files.iter().enumerate() {
            parsed.push((i, crossroads::yaml::parse::<RawFile>(text).unwrap()));
        }
    }
    println!("yaml parse {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        crossroads::pack::validate::validate(&parsed, String::new()).unwrap();
    }
    println!("validate {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        crossroads::pack::load::content_hash(files.iter().map(|(a, _, c)| (a.as_str(), c.as_str())));
    }
    println!("hash {:?}", t.elapsed() / n);
}
