/**
 * RFC 9457 problem details: the one shape every API error takes, with a stable `type` URI per
 * case so that clients branch on `type`, never on the wording of `detail`.
 */
import * as z from 'zod';
import { apiText } from '../i18n';

export const PROBLEM_BASE = 'https://kehoach.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Each kind of problem and its status; titles are in the catalogue (src/i18n, `api:problem.<kind>`). */
export const PROBLEMS = {
  validation: { status: 400 },
  'not-found': { status: 404 },
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
  conflict: { status: 409 },
  'update-rejected': { status: 422 },
  'upstream-unavailable': { status: 503 },
  'idempotency-key-reuse': { status: 422 },
  'payload-too-large': { status: 413 },
  'unsupported-media-type': { status: 415 },
  'uri-too-long': { status: 414 },
  'too-many-requests': { status: 429 },
  'idempotency-in-progress': { status: 409 },
  'not-replayable': { status: 410 },
  internal: { status: 500 },
} as const;

export type ProblemKind = keyof typeof PROBLEMS;

export const problemFieldSchema = z.object({
  /** Where the problem is: a JSON path into the request ("body.reason", "query.limit"). */
  path: z.string().optional(),
  message: z.string(),
  /** For plan files: the position in the YAML text (1-based). */
  line: z.number().int().optional(),
  col: z.number().int().optional(),
  severity: z.enum(['error', 'warning']).optional(),
  /** For plan files: the validator's stable kind of problem, e.g. "unknown-key". */
  code: z.string().optional(),
});
export type ProblemField = z.infer<typeof problemFieldSchema>;

export const problemSchema = z
  .object({
    type: z.string().describe('Stable URI identifying the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().describe('The request path and id this problem occurred on'),
    errors: z.array(problemFieldSchema).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

export class ProblemError extends Error {
  override name = 'ProblemError';
  readonly kind: ProblemKind;
  readonly status: number;
  readonly errors?: ProblemField[];
  /** Seconds, for 503 and 429. */
  readonly retryAfter?: number;

  constructor(kind: ProblemKind, detail: string, options: { status?: number; errors?: ProblemField[]; retryAfter?: number; cause?: unknown } = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.status = options.status ?? PROBLEMS[kind].status;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
  }

  toProblem(instance?: string): Problem {
    return {
      type: PROBLEM_BASE + this.kind,
      title: apiText(`problem.${this.kind}`),
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

/** A response declaration for route schemas: the problem shape under its own media type. */
export function problemResponse(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } };
}

/** The error responses every authenticated route can give: the token's, the rate limits' and an over-long URL's. */
export const commonProblems = {
  401: problemResponse('Thiếu hoặc sai mã truy cập (Authorization: Bearer …)'),
  403: problemResponse('Vai trò hoặc cơ quan của mã truy cập không được phép'),
  414: problemResponse('Đường dẫn (kể cả tham số) dài quá 2048 ký tự'),
  429: problemResponse('Quá nhiều lần xác thực sai từ địa chỉ này, hoặc quá nhiều thao tác ghi; thử lại sau Retry-After giây'),
} as const;
