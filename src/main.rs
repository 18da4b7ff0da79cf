fn main() -> std::process::ExitCode {
    ftlint::cli::main()
}
