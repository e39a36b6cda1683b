import type { SchemaResult } from './apply-schema.js';
import { isFailure } from './results.js';

export interface ProgressEvent {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly last: SchemaResult;
}

/** The results of a fleet run as they come, with a progress event for each. */
export class RunLog {
  readonly #results: SchemaResult[] = [];
  #failures = 0;
  #total: number;
  readonly #onProgress?: (event: ProgressEvent) => void;

  constructor(total: number, onProgress?: (event: ProgressEvent) => void) {
    this.#total = total;
    this.#onProgress = onProgress;
  }

  /** The number of schemas the run is about, once the tenants are listed again. */
  set total(n: number) {
    this.#total = n;
  }

  get failures(): number {
    return this.#failures;
  }

  get results(): readonly SchemaResult[] {
    return this.#results;
  }

  report(r: SchemaResult): SchemaResult {
    this.#results.push(r);
    if (isFailure(r)) this.#failures++;
    this.#onProgress?.({ total: this.#total, done: this.#results.length, failed: this.#failures, last: r });
    return r;
  }
}
