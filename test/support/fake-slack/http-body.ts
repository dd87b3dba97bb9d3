/** Request-body helpers for the fake Slack API. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQs } from 'node:querystring';
import type { Args } from './types.js';

/** Fields @slack/web-api JSON-encodes when it sends application/x-www-form-urlencoded. */
const JSON_FIELDS = new Set(['view', 'blocks', 'attachments', 'files', 'metadata', 'unfurls', 'user_auth_blocks', 'profile']);

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodeJsonFields(args: Args): Args {
  for (const key of Object.keys(args)) {
    const v = args[key];
    if (JSON_FIELDS.has(key) && typeof v === 'string') {
      try {
        args[key] = JSON.parse(v) as unknown;
      } catch {
        // left as a string: handlers report it as invalid (e.g. invalid_blocks_format)
      }
    }
  }
  return args;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export class BodyParseError extends Error {}

/** Parses a Web API request: query string + form / JSON / multipart body. */
export function parseApiArgs(contentType: string | undefined, body: Buffer, query: string): Args {
  const args: Args = {};
  const put = (src: Record<string, string | string[] | undefined>) => {
    for (const [k, v] of Object.entries(src)) if (v !== undefined) args[k] = Array.isArray(v) ? v[v.length - 1] : v;
  };
  if (query) put(parseQs(query));
  const type = mediaType(contentType);
  if (body.length > 0) {
    if (type === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new BodyParseError('invalid_json');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BodyParseError('invalid_json');
      Object.assign(args, parsed);
      // Slack ignores a token inside a JSON body: it must come in the Authorization header.
      delete args.token;
    } else if (type === 'multipart/form-data') {
      for (const part of parseMultipart(body, contentType ?? '')) {
        args[part.name] = part.filename !== undefined ? part.data : part.data.toString('utf8');
      }
    } else {
      put(parseQs(body.toString('utf8')));
    }
  }
  return decodeJsonFields(args);
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Minimal multipart/form-data parser (enough for fetch/undici FormData bodies). */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw new BodyParseError('multipart body without boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const raw = body.subarray(start + 2, next - 2); // strip CRLF after delimiter and before the next one
    const headerEnd = raw.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = raw.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      const partType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1];
      parts.push({ name, filename, contentType: partType, data: raw.subarray(headerEnd + 4) });
    }
    pos = next;
  }
  return parts;
}

/** The bytes of an upload POST: the file part of a multipart body, else the raw body. */
export function uploadedBytes(contentType: string | undefined, body: Buffer): Buffer {
  if (mediaType(contentType) !== 'multipart/form-data') return body;
  const parts = parseMultipart(body, contentType ?? '');
  const file = parts.find((p) => p.filename !== undefined) ?? parts.find((p) => p.name === 'file' || p.name === 'body');
  if (!file) throw new BodyParseError('multipart upload without a file part');
  return Buffer.from(file.data);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
