//! The `crossroads` binary: everything is in the library.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = crossroads::run::Io::with_process(|io| crossroads::cli::main_with(std::env::args_os(), io));
    std::process::exit(code);
}
