//! The `crossroads` binary: everything is in the library.

// `screen` frees on one thread what another allocated, which glibc's allocator does slowly
// (README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = crossroads::run::Io::with_process(|io| crossroads::cli::main_with(std::env::args_os(), io));
    std::process::exit(code);
}
