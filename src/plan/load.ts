/**
 * Reads plan files and turns their text into a checked Plan with positioned diagnostics.
 * Together with calendar-file.ts this is the only code in src/plan that touches the file system;
 * `loadPlanText` does not, so the API validates request bodies with it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { decodePlanBytes } from './bounds';
import { DEFAULT_CALENDAR_DIR, listCalendars, loadCalendar } from './calendar-file';
import type { Plan } from './schema';
import type { Language } from '../i18n';
import { checkSchemaComment, sortDiagnostics, validatePlanText, validateTranslator, type CalendarSource, type Diagnostic } from './validate';

export type { Diagnostic } from './validate';

export interface LoadOptions {
  /** Where calendar files live; defaults to the repository's calendars/. */
  calendarsDir?: string;
  /** The language of the diagnostics; by default KEHOACH_LANG's. */
  language?: Language;
}

/** The committed JSON Schema that the first line of every plan file points at. */
export const PLAN_SCHEMA_FILE = resolve(__dirname, '..', '..', 'plans', 'plan.schema.json');

const SCHEMA_FILE_NAME = 'plan.schema.json';

/** Calendars read from disk on first use and kept for the rest of the process (validate reads many plans). */
function calendarSource(dir: string): CalendarSource {
  const cache = new Map<string, ReturnType<typeof loadCalendar>>();
  let names: string[] | undefined;
  return {
    names: () => (names ??= listCalendars(dir)),
    load(name) {
      if (!(names ??= listCalendars(dir)).includes(name)) return undefined;
      let calendar = cache.get(name);
      if (!calendar) {
        calendar = loadCalendar(name, dir);
        cache.set(name, calendar);
      }
      return calendar;
    },
  };
}

const sources = new Map<string, CalendarSource>();

function calendarsFor(options: LoadOptions): CalendarSource {
  const dir = resolve(options.calendarsDir ?? DEFAULT_CALENDAR_DIR);
  let source = sources.get(dir);
  if (!source) {
    source = calendarSource(dir);
    sources.set(dir, source);
  }
  return source;
}

/**
 * Parses and checks plan text. `file` is only used to label diagnostics. The plan is returned
 * only when there is no error; warnings do not block it.
 */
export function loadPlanText(text: string, file: string, options: LoadOptions = {}): { plan?: Plan; diagnostics: Diagnostic[] } {
  return validatePlanText(text, file, { calendars: calendarsFor(options), ...(options.language ? { language: options.language } : {}) });
}

/** The path a plan file's schema comment should name: from the file's folder to plans/plan.schema.json. */
export function schemaPathFor(file: string): string {
  const path = relative(dirname(resolve(file)), PLAN_SCHEMA_FILE)
    .split(sep)
    .join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * Reads and checks one plan file, including the editor schema comment on its first line.
 * A file that cannot be read is reported as a diagnostic, not thrown, so that validating many
 * files reports every problem at once.
 */
export async function loadPlanFile(file: string, options: LoadOptions = {}): Promise<{ plan?: Plan; text: string; diagnostics: Diagnostic[] }> {
  const t = validateTranslator(options.language);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? t('validate:file.notFound')
        : code === 'EACCES'
          ? t('validate:file.noPermission')
          : code === 'EISDIR'
            ? t('validate:file.isDirectory')
            : (error as Error).message;
    return {
      text: '',
      diagnostics: [{ file, line: 1, col: 1, severity: 'error', code: 'unreadable', message: t('validate:file.unreadable', { reason }) }],
    };
  }
  const decoded = decodePlanBytes(bytes, file, t);
  if ('diagnostic' in decoded) return { text: '', diagnostics: [decoded.diagnostic] };
  const { text } = decoded;
  const { plan, diagnostics } = loadPlanText(text, file, options);
  const pointsAtSchema = (written: string): boolean => existsSync(resolve(dirname(resolve(file)), written));
  const all = sortDiagnostics([...checkSchemaComment(text, file, schemaPathFor(file), pointsAtSchema, options.language), ...diagnostics]);
  return plan ? { plan, text, diagnostics: all } : { text, diagnostics: all };
}

/**
 * The plan files named by `paths`: a directory stands for its *.yaml and *.yml files (sorted,
 * not recursive, the generated schema left out); a file stands for itself. Paths that do not
 * exist are skipped here; callers that must report them check first.
 */
export function findPlanFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const entries = readdirSync(path)
      .filter((entry) => /\.ya?ml$/.test(entry) && entry !== SCHEMA_FILE_NAME)
      .sort();
    for (const entry of entries) {
      const full = join(path, entry);
      if (statSync(full).isFile()) files.push(full);
    }
  }
  return [...new Set(files)];
}
