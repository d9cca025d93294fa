import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { v5 as uuidv5 } from 'uuid';
import { ActorRuleViolation } from '../../actors/domain/actor.errors.js';
import type { AcledInterCode, ActorKind } from '../../actors/domain/actor.types.js';
import type { RegisterActor } from '../../actors/domain/actor.commands.js';
import { ProblemError } from '../../common/problem.js';
import { canonicalJson } from '../../event-store/index.js';
import type { ActorLookup } from '../../incidents/commands/resolve-actors.js';
import type { Gazetteer } from '../../places/gazetteer.js';
import { resolvePlace } from '../../places/resolve/place-resolver.js';
import { digestOf, type ImportRow } from '../incident-importer.js';
import { ucdpIncident, type UcdpContext, type UcdpEvent } from './ucdp-event.js';

export interface UcdpLookups {
  gazetteer: Gazetteer;
  actors: ActorLookup;
  /** Registers an actor (through the registry's command handler); `already_registered` is fine. */
  register(command: RegisterActor): Promise<unknown>;
}

/** The columns the mapping reads: a file without one of them is not a GED export. */
const COLUMNS: (keyof UcdpEvent)[] = [
  'id', 'type_of_violence', 'conflict_name', 'dyad_name', 'side_a', 'side_b', 'source_article', 'source_office',
  'source_date', 'source_headline', 'source_original', 'where_prec', 'where_coordinates', 'adm_1', 'adm_2',
  'latitude', 'longitude', 'country', 'date_prec', 'date_start', 'date_end', 'deaths_a', 'deaths_b',
  'deaths_civilians', 'deaths_unknown', 'low', 'best', 'high',
];
/** The columns a row cannot do without. */
const REQUIRED: (keyof UcdpEvent)[] = ['id', 'type_of_violence', 'side_a', 'side_b', 'country', 'date_start', 'date_end', 'best'];

/** Changes when the mapping does, so that a new mapping's output reaches incidents imported before it. */
const MAPPING = 'ged-19.1/2';

/** Actors a GED import registers get ids that follow from their names, so a second import finds them. */
const UCDP_ACTORS = 'a9d1f7c4-2e55-4c0b-b6a3-91f0d8e2c7a4';

/**
 * The rows of a UCDP GED CSV export: each event as a POST /incidents body, with its sides found
 * in the actor registry (by its search) or registered once, and its adm_1 and adm_2 resolved to
 * p-codes through the gazetteer (the coordinates may take a point deeper, as for any incident).
 */
export async function* ucdpRows(path: string, lookups: UcdpLookups): AsyncGenerator<ImportRow> {
  const context = ucdpContext(lookups);
  const { size } = await stat(path);
  // A record the parser cannot read (an unclosed quote, too many fields) is a bad row, not the end.
  const unreadable: { line: number; message: string }[] = [];
  const parser = createReadStream(path).pipe(
    parse({
      columns: (header: string[]) => {
        const missing = COLUMNS.filter((column) => !header.includes(column));
        if (missing.length > 0) throw new Error(`not a UCDP GED export: no column ${missing.join(', ')}`);
        return header;
      },
      bom: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) => unreadable.push({ line: error.lines ?? 0, message: error.message }));
  let ended = 1; // the header's line
  for await (const { record, info } of parser as AsyncIterable<{ record: UcdpEvent; info: { lines: number; bytes: number } }>) {
    for (const { line, message } of unreadable.splice(0)) {
      ended = Math.max(ended, line);
      yield { line, digest: digestOf(message), problem: `unreadable: ${message}` };
    }
    // A record may span lines (quoted newlines): it starts on the line after the one before it ended.
    const line = ended + 1;
    ended = info.lines;
    const through = size === 0 ? 1 : info.bytes / size;
    const digest = digestOf(`${MAPPING} ${canonicalJson(record)}`);
    const missing = REQUIRED.filter((column) => !record[column]?.trim());
    if (missing.length > 0) {
      yield { line, digest, through, problem: `missing ${missing.join(', ')}` };
      continue;
    }
    try {
      yield { line, digest, through, body: ucdpIncident(record, await context(record)) };
    } catch (error) {
      if (!(error instanceof ProblemError || error instanceof UnknownCountry)) throw error;
      yield { line, digest, through, problem: error.message };
    }
  }
  for (const { line, message } of unreadable) yield { line, digest: digestOf(message), problem: `unreadable: ${message}` };
}

class UnknownCountry extends Error {}

/** Each side, country and unit is looked up once per import. */
function ucdpContext({ gazetteer, actors, register }: UcdpLookups) {
  const sides = new Map<string, Promise<string>>();
  const units = new Map<string, Promise<string | undefined>>();
  const remember = <T>(memo: Map<string, Promise<T>>, key: string, find: () => Promise<T>) => {
    if (!memo.has(key)) memo.set(key, find());
    return memo.get(key)!;
  };

  const side = (name: string) =>
    remember(sides, name, async () => {
      const found = await actors.resolveName(name);
      if (found.status === 'resolved') return found.actorId;
      const id = uuidv5(name, UCDP_ACTORS);
      const { kind, acledInter } = kindOf(name);
      try {
        await register({ type: 'RegisterActor', data: { id, kind, acledInter, names: [{ value: name, language: 'en', kind: 'primary' }] } });
      } catch (error) {
        if (!isAlreadyRegistered(error)) throw error;
      }
      return id;
    });

  const unit = (name: string, countryCode: string, parent?: string) =>
    remember(units, `${countryCode}/${parent ?? ''}/${name}`, async () => {
      const within = parent ? { parents: [parent], level: 2 as const } : { level: 1 as const };
      const answer = await resolvePlace(gazetteer, { name, countryCode, ...within });
      return answer.method === 'unresolved' ? undefined : answer.pcode;
    });

  return async (event: UcdpEvent): Promise<UcdpContext> => {
    const countryCode = countryCodeOf(event.country);
    const [sideA, sideB, admin1] = await Promise.all([
      side(event.side_a.trim()),
      side(event.side_b.trim()),
      // Water, airspace and country-wide events have no adm_1.
      event.adm_1.trim() ? unit(event.adm_1.trim(), countryCode) : undefined,
    ]);
    const admin2 = admin1 && event.adm_2.trim() ? await unit(event.adm_2.trim(), countryCode, admin1) : undefined;
    return { sideA, sideB, countryCode, admin1, admin2 };
  };
}

/** GED's side names say what kind of actor each is, as far as the registry needs at first. */
function kindOf(name: string): { kind: ActorKind; acledInter: AcledInterCode } {
  if (/^Government of /.test(name)) return { kind: 'state', acledInter: 1 };
  if (/^Civilians$/i.test(name)) return { kind: 'civilians', acledInter: 7 };
  return { kind: 'armed_group', acledInter: 2 };
}

const isAlreadyRegistered = (error: unknown) =>
  (error instanceof ActorRuleViolation && error.code === 'already_registered') ||
  (error instanceof ProblemError && error.problem.code === 'already_registered');

/**
 * GED's country names where they are not the English short names ICU knows (which also change
 * between ICU versions: "Turkey" became "Türkiye"). The rest are matched through Intl.
 */
const GED_COUNTRIES: Record<string, string> = {
  'dr congo (zaire)': 'CD',
  congo: 'CG',
  'myanmar (burma)': 'MM',
  turkey: 'TR',
  'bosnia-herzegovina': 'BA',
  'ivory coast': 'CI',
  'united states of america': 'US',
  'russia (soviet union)': 'RU',
  'yemen (north yemen)': 'YE',
  'cambodia (kampuchea)': 'KH',
  'serbia (yugoslavia)': 'RS',
  'zimbabwe (rhodesia)': 'ZW',
  'madagascar (malagasy)': 'MG',
  'kingdom of eswatini (swaziland)': 'SZ',
  'macedonia, fyr': 'MK',
  'north macedonia': 'MK',
  'vietnam (north vietnam)': 'VN',
  'czech republic': 'CZ',
  'east timor': 'TL',
  'the gambia': 'GM',
  gambia: 'GM',
  palestine: 'PS',
  'burkina faso (upper volta)': 'BF',
  'benin (dahomey)': 'BJ',
  'sri lanka (ceylon)': 'LK',
  'germany (prussia)': 'DE',
};

/** English country names as ICU writes them, with and without a parenthesis ("Myanmar (Burma)"). */
const COUNTRY_CODES: Map<string, string> = (() => {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const codes = new Map<string, string>();
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second);
      const name = names.of(code)?.toLowerCase();
      if (!name || name === code.toLowerCase()) continue;
      codes.set(name, code);
      codes.set(withoutParenthesis(name), code);
    }
  }
  for (const [name, code] of Object.entries(GED_COUNTRIES)) codes.set(name, code);
  return codes;
})();

function withoutParenthesis(name: string): string {
  return name.replace(/\s*\(.*\)\s*$/, '').trim();
}

export function countryCodeOf(country: string): string {
  const name = country.trim().toLowerCase();
  const code = COUNTRY_CODES.get(name) ?? COUNTRY_CODES.get(withoutParenthesis(name));
  if (!code) throw new UnknownCountry(`country "${country}" has no ISO 3166 code this import knows`);
  return code;
}
