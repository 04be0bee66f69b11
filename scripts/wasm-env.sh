# Sourced by the build and test scripts: how to invoke cargo for wasm32 on this machine.
# Sets WASM_CARGO (the cargo to run) and WASM_BUILD_STD (extra flags), exports what that route needs.
route=$(cat .cache/wasm-route 2>/dev/null || echo debian)
export CARGO_TARGET_DIR="${PWD}/target/wasm"
if [ "$route" = rustup ]; then
  WASM_CARGO=cargo
  WASM_BUILD_STD=()
else
  # Debian's rustc-web has the wasm32 target but no prebuilt std: build std from its vendored source.
  export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld
  WASM_CARGO=/usr/bin/cargo
  WASM_BUILD_STD=(-Z build-std=std,panic_abort)
fi
