/** Dates as Vietnamese documents write them, for messages the rules hand to people. */
import { formatDateVi, localDate } from '../plan/calendar';

/** dd/mm/yyyy of an instant in the task's timezone. */
export function formatLocalDate(iso: string, timeZone: string): string {
  return formatDateVi(localDate(iso, timeZone));
}

/** A deadline is the midnight that ends its day; people know it by that day. */
export function formatDeadlineDate(iso: string, timeZone: string): string {
  return formatLocalDate(new Date(Date.parse(iso) - 1).toISOString(), timeZone);
}
