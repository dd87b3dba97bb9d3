/**
 * Turns Microsoft's product and service-plan catalogue (CSV, one row per product/plan pair)
 * into src/core/catalogue/products.json, the data Roster ships.
 * Run: npx tsx scripts/build-catalogue.ts [path/to/m365-product-service-plans.csv]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

type Row = Record<'Product_Display_Name' | 'String_Id' | 'GUID' | 'Service_Plan_Name' | 'Service_Plan_Id' | 'Service_Plans_Included_Friendly_Names', string>;

// Microsoft's "Product names and service plan identifiers for licensing" CSV, downloaded by whoever
// refreshes the catalogue (Roster itself ships the result, src/core/catalogue/products.json).
const source = process.argv[2];
if (!source) {
  process.stderr.write("usage: npm run catalogue -- <path to Microsoft's product and service plan CSV>\n");
  process.exit(2);
}
const rows: Row[] = parse(readFileSync(source), { columns: true, bom: true, skip_empty_lines: true, trim: true });

const products = new Map<string, { skuId: string; partNumber: string; displayName: string; plans: { id: string; name: string; displayName: string }[] }>();
for (const row of rows) {
  const skuId = row.GUID.toLowerCase();
  let product = products.get(skuId);
  if (!product) {
    product = { skuId, partNumber: row.String_Id, displayName: row.Product_Display_Name, plans: [] };
    products.set(skuId, product);
  }
  const planId = row.Service_Plan_Id.toLowerCase();
  if (!product.plans.some((plan) => plan.id === planId)) {
    product.plans.push({ id: planId, name: row.Service_Plan_Name, displayName: row.Service_Plans_Included_Friendly_Names });
  }
}

// Keep Microsoft's order: where two products share a display name, the first listed is preferred.
const sorted = [...products.values()];
for (const product of sorted) product.plans.sort((a, b) => a.displayName.localeCompare(b.displayName, 'en'));
const target = path.join('src', 'core', 'catalogue', 'products.json');
writeFileSync(target, `${JSON.stringify({ source: path.basename(source), products: sorted })}\n`);
console.log(`${sorted.length} products, ${rows.length} product/plan rows -> ${target}`);
