// The import worker when Roster runs from its TypeScript sources (npm run dev, vitest): a worker
// thread does not inherit tsx's loader, so it loads import-worker.ts through tsx's API. The
// compiled build (npm start) runs dist/src/core/import/import-worker.js instead.
import { tsImport } from 'tsx/esm/api';

await tsImport('./import-worker.ts', import.meta.url);
