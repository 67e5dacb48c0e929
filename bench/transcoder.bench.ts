/**
 * Transcoder throughput: a generated codec's encode + JSON.stringify +
 * JSON.parse + decode, against JSON.stringify + JSON.parse of the same typed object (Decimal
 * and Date serialise through their toJSON), measured in the same run. The runtime stores
 * payloads as JSON text, so this is the real cost of going through the codec. Rounds of the
 * two alternate (paired, in alternating order) and the median of the per-round ratios counts, so
 * machine noise falls on both alike.
 * Target: ratio (codec ops/s ÷ JSON ops/s) ≥ 0.8 for a typical event.
 */
import { Decimal } from 'decimal.js';
import type { PayloadCodec } from '../runtime/index.js';
import { depositedCodec, transferSentCodec } from '../generated/bank/index.js';
import type { DepositedData, TransferSentData } from '../generated/bank/index.js';
import { trickAddedCodec } from '../generated/dog-school/index.js';
import type { TrickAddedData } from '../generated/dog-school/index.js';
import type { BenchReport } from './run.js';

const ROUNDS = 41;
const ITERATIONS = 5_000;

let sink = 0;

function opsPerSecond(run: () => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) run();
  return ITERATIONS / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

function measure<T>(report: BenchReport, event: string, codec: PayloadCodec<T>, value: T): number {
  const viaJson = (): void => {
    sink += (JSON.parse(JSON.stringify(value)) as Record<string, unknown>) === null ? 1 : 0;
  };
  const viaCodec = (): void => {
    const decoded = codec.decode(JSON.parse(JSON.stringify(codec.encode(value))), codec.version);
    sink += decoded === null ? 1 : 0;
  };
  for (let i = 0; i < 3; i++) {
    opsPerSecond(viaJson);
    opsPerSecond(viaCodec);
  }
  // Paired rounds, in alternating order: each round's ratio compares two runs made moments apart.
  const json: number[] = [];
  const coded: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let j: number;
    let c: number;
    if (r % 2 === 0) {
      j = opsPerSecond(viaJson);
      c = opsPerSecond(viaCodec);
    } else {
      c = opsPerSecond(viaCodec);
      j = opsPerSecond(viaJson);
    }
    json.push(j);
    coded.push(c);
    ratios.push(c / j);
  }
  const ratio = median(ratios);
  report.add({
    event,
    codecOpsPerSecond: Math.round(median(coded)),
    jsonOpsPerSecond: Math.round(median(json)),
    ratio: Number(ratio.toFixed(3)),
    target: 0.8,
    meetsTarget: ratio >= 0.8,
  });
  return ratio;
}

export default async function transcoderBench(report: BenchReport): Promise<void> {
  const deposited: DepositedData = {
    amount: new Decimal('1250.75'),
    reference: 'Invoice 2024-0193',
    transactionId: '5b6f2c9e-0d7a-4f3b-9a1e-8c2d4e6f7a90',
    occurredAt: new Date('2025-03-14T09:26:53.589Z'),
  };
  const transfer: TransferSentData = {
    transferId: '0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
    toAccount: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
    amount: { amount: new Decimal('99.99'), currency: 'EUR' },
  };
  const trick: TrickAddedData = { trick: { name: 'roll over' } };
  measure(report, 'Bank.Account.Deposited (typical: decimal, string, uuid, datetime)', depositedCodec, deposited);
  measure(report, 'Bank.Account.TransferSent (nested value object)', transferSentCodec, transfer);
  measure(report, 'DogSchool.Dog.TrickAdded (strings only)', trickAddedCodec, trick);
  if (sink < 0) report.log(String(sink));
}
