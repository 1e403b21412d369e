/**
 * HTTP plumbing for the fake: reading and parsing request bodies (JSON and multipart/form-data), a tiny
 * path router, and the shapes of recorded requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  /** Set for file parts. */
  filename?: string;
  contentType?: string;
  /** Text value for plain fields. */
  value?: string;
  /** Raw bytes for file parts. */
  data?: Buffer;
}

export interface RecordedFile {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A request the fake received, as recorded in `fake.calls`. */
export interface RecordedCall {
  method: string;
  /**
   * Path without the `/api` and `/v10` prefixes and with every segment percent-decoded, e.g.
   * `/channels/1/messages/2/reactions/👍/@me` or `/webhooks/1/token/messages/@original`.
   */
  path: string;
  /** The request path as received (prefixes included, still percent-encoded), without the query string. */
  rawPath: string;
  query: Record<string, string>;
  /**
   * Parsed JSON body; for multipart requests the parsed `payload_json` (or, when there is none, an object
   * of the text fields). `undefined` when the request had no body.
   */
  body: unknown;
  /** File parts of a multipart body (empty otherwise). */
  files: RecordedFile[];
  /** All parts of a multipart body, or undefined when the body was not multipart. */
  parts?: MultipartPart[];
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The status the fake answered with. */
  status: number;
  /** The JSON the fake answered with (undefined for 204). */
  response: unknown;
  /** True when the answer came from `failNext`. */
  injected: boolean;
  at: number;
}

export interface RestRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
  headers: Record<string, string>;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export interface ParsedBody {
  body: unknown;
  files: RecordedFile[];
  parts?: MultipartPart[];
}

/** Parses a JSON or multipart/form-data body (the latter through the WHATWG `Response#formData()`). */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType ?? '' } }).formData();
    const parts: MultipartPart[] = [];
    const files: RecordedFile[] = [];
    const fields: Record<string, string> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        parts.push({ name, value });
        fields[name] = value;
      } else {
        const data = Buffer.from(await value.arrayBuffer());
        const contentTypeOfPart = value.type || 'application/octet-stream';
        parts.push({ name, filename: value.name, contentType: contentTypeOfPart, data });
        files.push({ field: name, filename: value.name, contentType: contentTypeOfPart, data });
      }
    }
    const payload = fields['payload_json'];
    return { body: payload !== undefined ? safeJson(payload) : fields, files, parts };
  }
  const text = raw.toString('utf8');
  if (type.startsWith('application/json') || /^\s*[[{"]/.test(text))
    return { body: safeJson(text), files: [] };
  return { body: text, files: [] };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function send(res: ServerResponse, response: RestResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  if (response.status === 204 || response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(response.body);
  res.writeHead(response.status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

export type RouteHandler = (
  req: RestRequest,
  params: Record<string, string>,
) => RestResponse | Promise<RestResponse>;

interface Route {
  method: string;
  /** Literal segments, or `null` for a `:param` segment. */
  segments: (string | null)[];
  keys: string[];
  handler: RouteHandler;
}

/** Splits a path into percent-decoded segments (`%40original` → `@original`, emoji decoded). */
export function decodeSegments(path: string): string[] {
  return path
    .split('/')
    .filter((segment, i, all) => !(segment === '' && (i === 0 || i === all.length - 1)))
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

/** Minimal router: patterns like `/channels/:channelId/messages/:messageId`, matched segment by segment after decoding. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const segments = path
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment;
        keys.push(segment.slice(1));
        return null;
      });
    this.routes.push({ method: method.toUpperCase(), segments, keys, handler });
    return this;
  }

  /** `path` may be raw (percent-encoded) or already decoded. */
  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | undefined {
    const parts = decodeSegments(path);
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase() || route.segments.length !== parts.length) continue;
      const values: string[] = [];
      const ok = route.segments.every((segment, i) => {
        const part = parts[i] ?? '';
        if (segment === null) {
          values.push(part);
          return part !== '';
        }
        return segment === part;
      });
      if (!ok) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = values[i] ?? '';
      });
      return { handler: route.handler, params };
    }
    return undefined;
  }
}

export function apiError(status: number, code: number, message: string, extra: object = {}): RestResponse {
  return { status, body: { message, code, ...extra } };
}

export const json = (body: unknown, status = 200): RestResponse => ({ status, body });
export const noContent = (): RestResponse => ({ status: 204 });
