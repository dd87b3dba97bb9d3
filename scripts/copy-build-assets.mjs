// Copies what `tsc` does not emit next to the compiled code: the generated Prisma client and the
// product catalogue, both loaded at run time relative to the module that needs them.
import { cpSync } from 'node:fs';

cpSync('src/generated', 'dist/src/generated', { recursive: true });
cpSync('src/core/catalogue/products.json', 'dist/src/core/catalogue/products.json');
