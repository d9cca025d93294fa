import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readPoolOf } from '../../database/data-source.js';
import { EventStore } from '../../event-store/index.js';
import type { TimelineFilterDto } from '../http/timeline-query.dto.js';
import { TimelineQueries } from '../queries/timeline-queries.js';
import { ExportDetails } from './export-details.js';
import type { ExportRecord } from './export-record.js';
import { GEOJSON_END, GEOJSON_START, UTF8_BOM, csvHeader, csvRow, geoJsonFeature } from './formats.js';

/** Entries read per query: an export holds a few pages in memory, however long the timeline. */
export const EXPORT_PAGE_SIZE = 500;

/**
 * The filtered timeline, whole, as CSV or GeoJSON text, a page at a time (`GET /timeline.csv`,
 * `GET /timeline.geojson`).
 *
 * Pages come from `TimelineQueries.timeline`, the very query, filter and keyset cursor of
 * `GET /timeline`, so an export holds what paging through /timeline would, in the same order,
 * and each page is its own query: nothing holds a connection between pages (embedded PostgreSQL
 * has one), and a page is read only when the client has taken the one before (see streamTo).
 * Like /timeline's pages, an export is not one snapshot: an incident whose date is corrected
 * while the export runs may show twice or not at all.
 */
@Injectable()
export class TimelineExport {
  /** Entries per page; tests make it small to cross page boundaries. */
  pageSize = EXPORT_PAGE_SIZE;

  constructor(
    private readonly timelines: TimelineQueries,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  /** The CSV text in chunks: a UTF-8 BOM and the header, then a chunk per page. */
  async csv(query: TimelineFilterDto): Promise<AsyncGenerator<string>> {
    const pages = await this.records(query);
    return (async function* () {
      yield UTF8_BOM + csvHeader();
      for await (const page of pages) if (page.length) yield page.map(csvRow).join('');
    })();
  }

  /** The GeoJSON FeatureCollection in chunks, a feature a line. */
  async geojson(query: TimelineFilterDto): Promise<AsyncGenerator<string>> {
    const pages = await this.records(query);
    return (async function* () {
      yield GEOJSON_START;
      let separator = '\n';
      for await (const page of pages) {
        if (!page.length) continue;
        yield separator + page.map((record) => JSON.stringify(geoJsonFeature(record))).join(',\n');
        separator = ',\n';
      }
      yield GEOJSON_END;
    })();
  }

  /**
   * The records a page at a time. The first page is read before this returns, so that a refusal
   * (an unknown actor's 404, minPosition's 503) is still answered as problem+json, before any
   * of the body is sent.
   */
  async records(query: TimelineFilterDto): Promise<AsyncGenerator<ExportRecord[]>> {
    const pages = this.pages(query);
    const first = await pages.next();
    return (async function* () {
      if (first.done) return;
      yield first.value;
      yield* pages;
    })();
  }

  private async *pages(query: TimelineFilterDto): AsyncGenerator<ExportRecord[]> {
    // Every page from one server: read-your-writes is waited for once, before the first page, and
    // another replica may be further behind than the one that passed it.
    const db = readPoolOf(this.dataSource);
    const details = new ExportDetails(db, this.store);
    let minPosition = query.minPosition;
    let cursor: string | undefined;
    do {
      const page = await this.timelines.timeline({ ...query, minPosition, limit: this.pageSize, cursor }, db);
      minPosition = undefined;
      yield await details.records(page.entries);
      cursor = page.nextCursor;
    } while (cursor);
  }
}
