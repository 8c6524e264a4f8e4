import { describe, expect, it, vi } from 'vitest';
import { Column } from '../model/store.js';
import { PartWorker } from './parallel.js';
import { RowReader } from './rows.js';
import { makeVocabularies } from './vocabulary.js';

describe('PartWorker.resultWhileMapping (issue 16)', () => {
  it('touches the reserved places while the part is read, stops once it is here, and leaves the rows alone', async () => {
    const reader = new RowReader({ vocabularies: makeVocabularies() } as ConstructorParameters<typeof RowReader>[0]);
    reader.columns.reserve((1 << 20) + 1);
    reader.columns.utc.append(Float64Array.of(1.5));
    const touch = vi.spyOn(Column.prototype, 'touch');
    // The part arrives after 30 ms: slices are touched meanwhile.
    const late = { done: new Promise((resolve) => setTimeout(() => resolve('rows'), 30)) };
    expect(await PartWorker.prototype.resultWhileMapping.call(late as unknown as PartWorker, reader)).toBe('rows');
    const whileWaiting = touch.mock.calls.length;
    expect(whileWaiting).toBeGreaterThan(0);
    // Already here: at most the first slice.
    touch.mockClear();
    const here = { done: Promise.resolve('rows') };
    expect(await PartWorker.prototype.resultWhileMapping.call(here as unknown as PartWorker, reader)).toBe('rows');
    expect(touch.mock.calls.length).toBeLessThanOrEqual(1);
    touch.mockRestore();
    expect(reader.columns.length).toBe(1);
    expect(Array.from(reader.columns.utc.finish())).toEqual([1.5]);
  });
});
