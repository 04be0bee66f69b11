// Runs the phone differential test (tests/phone/: cidguard's wasm build against Google's libphonenumber on
// the 24,000-input corpus) with the other JS suites in `make test`.
import '../phone/differential.test.mjs';
