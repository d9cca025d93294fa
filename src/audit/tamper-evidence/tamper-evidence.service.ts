import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Semaphore } from '../../common/semaphore.js';
import { poolOf } from '../../database/data-source.js';
import { isDatabaseUnavailable } from '../../database/unavailable.js';
import type { SealKey } from './seal-key.js';
import { readSeals, type StoredSeal } from './seal-store.js';
import { Sealer } from './sealer.js';
import { verifyLog, type VerifyReport } from './verify.js';

export interface SealingOptions {
  /** The key this process seals with; without one it only verifies. */
  key?: SealKey;
  /** Public keys of earlier sealing keys, whose seals still count. */
  trustedKeys: readonly Buffer[];
  /** How often to seal; 0 for never (another process seals). */
  intervalMs: number;
}

export const SEALING_OPTIONS = Symbol('SEALING_OPTIONS');

/** Seals the log on a timer, and verifies it on demand, one verification at a time. */
@Injectable()
export class TamperEvidence implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Seals');
  private readonly sealer?: Sealer;
  private readonly verifications = new Semaphore(1);
  private timer?: NodeJS.Timeout;
  private sealing?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SEALING_OPTIONS) private readonly options: SealingOptions,
  ) {
    if (options.key) this.sealer = new Sealer(poolOf(dataSource), options.key, options.trustedKeys);
  }

  /** The keys whose seals count: the sealing key's and the earlier ones. */
  get trustedKeys(): Buffer[] {
    return [...(this.options.key ? [this.options.key.publicKey] : []), ...this.options.trustedKeys];
  }

  onApplicationBootstrap(): void {
    if (!this.sealer || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.sealing ??= this.sealNow()
        .catch((error) => {
          const reason = error instanceof Error ? error.message : error;
          // Nothing is lost: the next seal takes in what this one would have.
          if (isDatabaseUnavailable(error)) this.logger.warn(`sealing postponed, the database cannot be reached: ${reason}`);
          else this.logger.error(`sealing failed: ${reason}`);
        })
        .finally(() => (this.sealing = undefined));
    }, this.options.intervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sealing;
  }

  async sealNow(): Promise<StoredSeal | undefined> {
    if (!this.sealer) throw new Error('No sealing key is configured');
    const seal = await this.sealer.seal();
    if (seal) this.logger.log(`seal ${seal.sequence}: ${seal.events} events, root ${seal.root.toString('hex')}`);
    return seal;
  }

  seals(options: { after?: number; limit: number }): Promise<StoredSeal[]> {
    return readSeals(poolOf(this.dataSource), options);
  }

  verify(): Promise<VerifyReport> {
    return this.verifications.run(() => verifyLog(poolOf(this.dataSource), { trustedKeys: this.trustedKeys }));
  }
}
