import { PRODUCTS, productByPartNumber, type Product } from './catalogue.js';

export type ProductMatch = { ok: true; product: Product; alsoNamedAlike: Product[] } | { ok: false; message: string; candidates: Product[] };

const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9+]+/g) ?? [];

/**
 * Finds a product by part number (`O365_BUSINESS_ESSENTIALS`) or by an unambiguous part of its
 * display name (`business basic`). Among display-name matches the closest one wins (fewest words
 * beyond the query); products the tenant already has come first. Where Microsoft lists two
 * products under one display name, the first listed is taken and the others are returned so the
 * caller can say how to pick them by part number.
 */
export function findProduct(query: string, preferred: readonly string[] = []): ProductMatch {
  const trimmed = query.trim();
  if (!trimmed) return { ok: false, message: 'Name a product: a part number such as O365_BUSINESS_ESSENTIALS, or part of its name.', candidates: [] };
  const exact = productByPartNumber(trimmed);
  if (exact) return { ok: true, product: exact, alsoNamedAlike: [] };

  const queryWords = words(trimmed);
  const matches = PRODUCTS.filter((product) => {
    const nameWords = words(product.displayName);
    return queryWords.every((word) => nameWords.includes(word));
  });
  if (matches.length === 0) {
    return {
      ok: false,
      message: `No product matches "${trimmed}". Use a part number such as O365_BUSINESS_ESSENTIALS or words from the product's name.`,
      candidates: [],
    };
  }
  const owned = matches.filter((product) => preferred.includes(product.skuId));
  const pool = owned.length > 0 ? owned : matches;
  const extra = (product: Product) => words(product.displayName).length - queryWords.length;
  const closest = Math.min(...pool.map(extra));
  const best = pool.filter((product) => extra(product) === closest);
  const names = new Set(best.map((product) => product.displayName.toLowerCase()));
  if (names.size === 1) {
    const [first, ...rest] = best as [Product, ...Product[]];
    return { ok: true, product: first, alsoNamedAlike: rest };
  }
  const listed = best.slice(0, 8).map((product) => `${product.displayName} (${product.partNumber})`);
  return {
    ok: false,
    message: `"${trimmed}" matches ${best.length} products: ${listed.join('; ')}${best.length > 8 ? '; …' : ''}. Use more words or the part number.`,
    candidates: best,
  };
}
