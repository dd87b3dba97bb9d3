// Worker threads do not inherit tsx's loader, so the worker loads its TypeScript through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./load-worker.ts', import.meta.url);
