// mimalloc returns freed memory to the system and keeps fragmentation low under the pipeline's per-cycle
// allocations, where glibc's per-thread arenas held twice the live heap at 100,000 watched accounts.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(hmon::main());
}
