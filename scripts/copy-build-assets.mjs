// Copies what `tsc` does not emit next to the compiled code: the product catalogue, loaded at run
// time relative to the module that needs it.
import { chmodSync, cpSync } from 'node:fs';

cpSync('src/core/catalogue/products.json', 'dist/src/core/catalogue/products.json');
// The `roster` command (package.json `bin`) runs the compiled entry point directly.
chmodSync('dist/src/cli/main.js', 0o755);
