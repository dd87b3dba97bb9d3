// Copies what `tsc` does not emit next to the compiled code: the product catalogue, loaded at run
// time relative to the module that needs it.
import { cpSync } from 'node:fs';

cpSync('src/core/catalogue/products.json', 'dist/src/core/catalogue/products.json');
