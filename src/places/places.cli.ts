import { Command, InvalidArgumentError } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source.js';
import { Gazetteer } from './gazetteer.js';
import { loadPlaceFiles } from './load/load-places.js';
import type { Bounds } from './load/place-file.js';
import { resolvePlace } from './resolve/place-resolver.js';
import { checkUcdp, formatUcdpReport, UCDP_SAMPLE } from './ucdp-check.js';

/** Runs one piece of work on the opened, migrated database (cli.ts opens it; tests pass theirs). */
export type WithDatabase = <T>(work: (dataSource: DataSource) => Promise<T>) => Promise<T>;

/** `npm run` runs in the package root; paths are meant from where the user typed the command. */
const fromUserDirectory = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

/** `places load | resolve | check-ucdp`. */
export function placesCommand(withDatabase: WithDatabase, print: (line: string) => void = console.log): Command {
  const places = new Command('places').description('the gazetteer: administrative units, their names and p-codes');

  places
    .command('load')
    .description(
      "load a country's units from JSON files in the bundled (OpenSyria) format, replacing what the database holds for " +
        'that country; a unit without governorateId is admin1, with governorateId only admin2, with districtId admin3',
    )
    .argument('<files...>', 'JSON files, each an array of units')
    .requiredOption('--country <code>', 'ISO 3166-1 alpha-2 code: the country unit\'s p-code, and the prefix of every unit\'s', country)
    .requiredOption('--name-en <name>', "the country's English name")
    .option('--name-ar <name>', "the country's Arabic name")
    .option('--bounds <south,west,north,east>', "the country's box in degrees (default: its units' centroids ± 0.5°)", bounds)
    .action((files: string[], options: { country: string; nameEn: string; nameAr?: string; bounds?: Bounds }) =>
      withDatabase(async (dataSource) => {
        const { country: code, nameEn, nameAr, bounds } = options;
        const result = await loadPlaceFiles(poolOf(dataSource), { code, nameEn, nameAr, bounds }, files.map(fromUserDirectory));
        print(
          result.loaded
            ? `Loaded ${result.countryCode}: ${result.units} units, ${result.names} names`
            : `${result.countryCode} is already loaded from these files (${result.units} units); nothing changed`,
        );
      }),
    );

  places
    .command('resolve')
    .description('resolve a reported place name (with enclosing units and coordinates) to a p-code')
    .argument('<name>', 'the place as reported, any script or spelling')
    .option('--parent <name>', 'an enclosing unit, outermost first; repeatable', (value, list: string[]) => [...list, value], [])
    .option('--level <level>', 'the level the name is at (1, 2 or 3)', integer)
    .option('--lat <degrees>', 'latitude', Number)
    .option('--lon <degrees>', 'longitude', Number)
    .option('--country <code>', 'only units of this country', country)
    .action((name: string, options: { parent: string[]; level?: 1 | 2 | 3; lat?: number; lon?: number; country?: string }) =>
      withDatabase(async (dataSource) => {
        const resolution = await resolvePlace(poolOf(dataSource), {
          name,
          parents: options.parent,
          level: options.level,
          latitude: options.lat,
          longitude: options.lon,
          countryCode: options.country,
        });
        print(JSON.stringify(resolution, null, 2));
      }),
    );

  places
    .command('check-ucdp')
    .description('measure resolution on UCDP GED events: the share of adm_1 and adm_2 names resolved to the right p-codes')
    .argument('[csv]', 'UCDP GED events as CSV (default: the Deir ez-Zor 2016–2019 sample in reference-data/ucdp)')
    .action((csv: string | undefined) =>
      withDatabase(async (dataSource) => {
        const text = await readFile(csv ? fromUserDirectory(csv) : UCDP_SAMPLE, 'utf8');
        print(formatUcdpReport(await checkUcdp(new Gazetteer(poolOf(dataSource), { memoize: true }), text)));
      }),
    );

  return places;
}

function country(value: string): string {
  if (!/^[A-Z]{2}$/.test(value)) throw new InvalidArgumentError('an ISO 3166-1 alpha-2 code in capitals, such as SY');
  return value;
}

function integer(value: string): number {
  if (!/^[123]$/.test(value)) throw new InvalidArgumentError('1, 2 or 3');
  return Number(value);
}

function bounds(value: string): Bounds {
  const numbers = value.split(',').map(Number);
  const [minLatitude, minLongitude, maxLatitude, maxLongitude] = numbers;
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n)) || minLatitude! > maxLatitude! || minLongitude! > maxLongitude!) {
    throw new InvalidArgumentError('south,west,north,east in degrees, such as 32.3,35.6,37.35,42.4');
  }
  return { minLatitude: minLatitude!, maxLatitude: maxLatitude!, minLongitude: minLongitude!, maxLongitude: maxLongitude! };
}
