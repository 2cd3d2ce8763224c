/**
 * Why a write was refused. `ApplicationFailure.type` of update rejections, mapped by the API to
 * problem+json (forbidden → 403, invalid_state → 409, invalid_input → 422, not_found → 404).
 */
import type { rejection } from '../i18n/vi/rejection';
export const RejectionType = {
  forbidden: 'Forbidden',
  invalidState: 'InvalidState',
  invalidInput: 'InvalidInput',
  notFound: 'NotFound',
} as const;

export type RejectionKind = (typeof RejectionType)[keyof typeof RejectionType];

/** A message of the `rejection` namespace of the catalogue (src/i18n); the API words it in the user's language. */
export type RejectionKey = keyof typeof rejection;
/** The values the message interpolates, already formatted (dates dd/mm/yyyy). */
export type RejectionValues = Record<string, string | number>;

/** A refusal: its kind, and the message the caller sees as a catalogue key with its values. */
export interface Rejection {
  type: RejectionKind;
  key: RejectionKey;
  values: RejectionValues;
}

export const reject = (type: RejectionKind, key: RejectionKey, values: RejectionValues = {}): Rejection => ({ type, key, values });
