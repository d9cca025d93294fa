import { EXPORT_COLUMNS, type ExportRecord } from './export-record.js';

/**
 * Excel opens a CSV file as text in the computer's ANSI code page unless it starts with a UTF-8
 * byte order mark, and Arabic then comes out as mojibake. Other readers take the mark in their
 * stride (csv-parse with `bom: true`, pandas, LibreOffice), so every export starts with it.
 */
export const UTF8_BOM = '\uFEFF';

/** RFC 4180 ends records with CRLF; line breaks inside a quoted field are kept as they are. */
const RECORD_END = '\r\n';

/**
 * Text starting with one of these is run as a formula by Excel and its kin: a report's title
 * could then fetch a URL or run a command on an analyst's computer (CSV injection). Such text
 * gets a leading apostrophe, which spreadsheets show as text and do not display. Numbers are
 * never touched, so a negative longitude stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: quoted when it holds a quote, a comma or a line break, quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = (): string => EXPORT_COLUMNS.join(',') + RECORD_END;

export function csvRow(record: ExportRecord): string {
  return EXPORT_COLUMNS.map((column) => csvField(cell(record[column]))).join(',') + RECORD_END;
}

/** external_ids as `key:value` pairs joined by "; ", the rest as they are. */
function cell(value: ExportRecord[keyof ExportRecord]): string | number | null {
  if (value === null || typeof value !== 'object') return value;
  const pairs = Object.entries(value).map(([key, id]) => `${key}:${id}`);
  return pairs.length ? pairs.join('; ') : null;
}

export interface PointGeometry {
  type: 'Point';
  /** RFC 7946: longitude first. */
  coordinates: [number, number];
}

export interface ExportFeature {
  type: 'Feature';
  id: string;
  geometry: PointGeometry | null;
  properties: ExportRecord;
}

/** An RFC 7946 Feature: a point where the record has coordinates, else a null geometry. */
export function geoJsonFeature(record: ExportRecord): ExportFeature {
  const { latitude, longitude } = record;
  return {
    type: 'Feature',
    id: record.id,
    geometry: latitude !== null && longitude !== null ? { type: 'Point', coordinates: [longitude, latitude] } : null,
    properties: record,
  };
}

/** The FeatureCollection around the features, written as the pages arrive. */
export const GEOJSON_START = '{"type":"FeatureCollection","features":[';
export const GEOJSON_END = '\n]}\n';
