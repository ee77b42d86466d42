fn main() {
    std::process::exit(hmon::main());
}
