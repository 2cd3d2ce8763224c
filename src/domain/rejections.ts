/**
 * Why a write was refused. `ApplicationFailure.type` of update rejections, mapped by the API to
 * problem+json (forbidden → 403, invalid_state → 409, invalid_input → 422, not_found → 404).
 */
export const RejectionType = {
  forbidden: 'Forbidden',
  invalidState: 'InvalidState',
  invalidInput: 'InvalidInput',
  notFound: 'NotFound',
} as const;

export type RejectionKind = (typeof RejectionType)[keyof typeof RejectionType];

/** A refusal with the Vietnamese message the caller sees. */
export interface Rejection {
  type: RejectionKind;
  message: string;
}

export const reject = (type: RejectionKind, message: string): Rejection => ({ type, message });
