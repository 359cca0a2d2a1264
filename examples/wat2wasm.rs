//! `wat2wasm IN.wat OUT.wasm`: encodes a text-format module (used to build the test modules of
//! c-tests/ and bindings/, whose .wat sources and .wasm outputs are both committed).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: wat2wasm IN.wat OUT.wasm");
        return ExitCode::from(2);
    };
    match wat::parse_file(input)
        .map_err(|e| e.to_string())
        .and_then(|b| std::fs::write(output, b).map_err(|e| e.to_string()))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{input}: {e}");
            ExitCode::FAILURE
        }
    }
}
