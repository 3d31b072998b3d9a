import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { UsageError } from '../../src/config/errors.js';
import {
  type CallbackKindName,
  CallbackKindNames,
  type Fault,
  type FaultPlan,
  formatFaultPlan,
  MetaOps,
  parseFaultPlan,
} from '../../src/faults/index.js';

const NODES = 4;

describe('fault grammar', () => {
  // One line per kind, with every optional parameter somewhere, and the object it must give.
  const kinds: Array<[string, Fault]> = [
    ['jerr:node=0,at=2s', { kind: 'jerr', node: 0, atMs: 2000, after: null, p: null, sticky: true }],
    ['jerr:node=1,after=50', { kind: 'jerr', node: 1, atMs: null, after: 50, p: null, sticky: true }],
    ['jerr:node=2,p=0.01,sticky=0', { kind: 'jerr', node: 2, atMs: null, after: null, p: 0.01, sticky: false }],
    ['merr:node=0,at=1s', { kind: 'merr', node: 0, op: 'rw', atMs: 1000, after: null, p: null, sticky: true }],
    ['merr:node=3,op=w,after=7', { kind: 'merr', node: 3, op: 'w', atMs: null, after: 7, p: null, sticky: true }],
    ['crash:node=1,at=3s', { kind: 'crash', node: 1, atMs: 3000, after: null }],
    ['crash:node=1,after=12', { kind: 'crash', node: 1, atMs: null, after: 12 }],
    [
      'recovery-withdraw:node=2',
      { kind: 'recovery-withdraw', node: 2, atMs: null, after: null, p: null, sticky: true },
    ],
    ['slow:node=0,write=5ms,from=1s,to=2s', { kind: 'slow', node: 0, writeMs: 5, fromMs: 1000, toMs: 2000 }],
    [
      'cbdelay:node=1,delay=50ms,kind=bast',
      { kind: 'cbdelay', node: 1, delayMs: 50, cb: 'bast', fromMs: 0, toMs: null },
    ],
    ['cbdelay:node=1,ms=50', { kind: 'cbdelay', node: 1, delayMs: 50, cb: null, fromMs: 0, toMs: null }],
    ['ackdelay:node=0,ms=200', { kind: 'ackdelay', node: 0, delayMs: 200, fromMs: 0, toMs: null }],
  ];
  for (const [text, fault] of kinds) {
    test(`reads ${JSON.stringify(text)} as one ${fault.kind} fault`, () => {
      assert.deepEqual(parseFaultPlan(text, NODES), { faults: [fault] });
    });
  }

  test('separates faults with either ";" or "+" and tolerates spaces around them', () => {
    const a = parseFaultPlan('jerr:node=0,at=2s ; crash:node=1,at=3s', NODES);
    const b = parseFaultPlan('jerr:node=0,at=2s+crash:node=1,at=3s', NODES);
    assert.deepEqual(a, b);
    assert.equal(a.faults.length, 2);
  });

  test('writes the canonical form with "+", defaults left out and durations with units', () => {
    const plan = parseFaultPlan(
      'jerr:node=0,sticky=1,at=2000ms;cbdelay:node=1,ms=50;slow:node=2,write=5ms,from=0s',
      NODES,
    );
    assert.equal(formatFaultPlan(plan), 'jerr:node=0,at=2s+cbdelay:node=1,delay=50ms+slow:node=2,write=5ms');
  });

  test('reads "none" and the empty string as the empty plan, written back as "none"', () => {
    assert.deepEqual(parseFaultPlan('none', NODES), { faults: [] });
    assert.deepEqual(parseFaultPlan('  ', NODES), { faults: [] });
    assert.equal(formatFaultPlan({ faults: [] }), 'none');
  });

  test('gives back any plan from its canonical text (parse ∘ format is the identity)', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        assert.deepEqual(parseFaultPlan(formatFaultPlan(plan), NODES), plan);
      }),
      { numRuns: 500 },
    );
  });

  // Each bad input, and a fragment its message must contain besides what was received.
  const bad: Array<[string, string, string]> = [
    ['jer:node=0', 'a fault kind, one of jerr, merr', '"jer"'],
    ['jerr:at=2s', 'node=N', 'received nothing'],
    ['jerr:node=4', 'an integer from 0 to 3 (the cluster has 4 nodes)', '"4"'],
    ['jerr:node=-1', 'an integer from 0 to 3', '"-1"'],
    ['jerr:node=0,speed=3', 'a jerr parameter, one of node, at, after, p, sticky', '"speed"'],
    ['jerr:node=0,at=1s,at=2s', 'each parameter once', '"at twice"'],
    ['jerr:node=0,at=2', 'a duration such as 500ms', '"2"'],
    ['jerr:node=0,p=1.5', 'a probability above 0 and at most 1', '"1.5"'],
    ['jerr:node=0,after=0', 'after: an integer from 1', '"0"'],
    ['jerr:node=0,sticky=yes', 'sticky: 0 or 1', '"yes"'],
    ['jerr:node=0,at', 'key=value', '"at"'],
    ['jerr', 'parameters after "jerr:"', '"jerr"'],
    ['crash:node=1', 'at=T or after=K', 'received nothing'],
    ['slow:node=0', 'write=D', 'received nothing'],
    ['slow:node=0,write=5ms,from=2s,to=1s', 'to later than from', '"from=2s,to=1s"'],
    ['cbdelay:node=0,delay=1m', 'a delay from 1ms to 10s', '"1m"'],
    ['cbdelay:node=0,ms=5ms', 'a delay from 1ms', '"5ms"'],
    ['cbdelay:node=0,delay=5ms,ms=5', 'delay=D or ms=N, not both', 'cbdelay:node=0'],
    ['cbdelay:node=0,delay=5ms,kind=glop', 'kind: one of bast, ast', '"glop"'],
    ['merr:node=0,op=x', 'op: one of w, r, rw', '"x"'],
    ['jerr:node=0;;crash:node=1,at=1s', 'expected a fault such as', 'an empty entry'],
    ['random', '"random" draws from the seed', 'resolveFaultPlan'],
  ];
  for (const [text, expected, received] of bad) {
    test(`rejects ${JSON.stringify(text)} saying it expected ${JSON.stringify(expected)}`, () => {
      assert.throws(
        () => parseFaultPlan(text, NODES),
        (err: unknown) => {
          assert.ok(err instanceof UsageError, `not a UsageError: ${String(err)}`);
          assert.ok(err instanceof RangeError);
          assert.equal(err.option, '--faults');
          assert.ok(err.message.startsWith('--faults'), err.message);
          assert.ok(err.message.includes(expected), `${err.message} lacks ${expected}`);
          assert.ok(err.message.includes(received), `${err.message} lacks ${received}`);
          return true;
        },
      );
    });
  }

  test('rejects a plan of more than 16 faults, saying how many it received', () => {
    const text = Array.from({ length: 17 }, () => 'jerr:node=0').join('+');
    assert.throws(() => parseFaultPlan(text, NODES), /expected at most 16 faults, received 17/);
  });
});

// ---- a generator of valid plans, for the round trip ----

const nodeArb = fc.integer({ min: 0, max: NODES - 1 });
const timeArb = fc.integer({ min: 0, max: 3_600_000 });
const delayArb = fc.integer({ min: 1, max: 10_000 });
const countArb = fc.integer({ min: 1, max: 1_000_000 });
// Probabilities as JavaScript prints them, including exponent forms like 1e-7.
const pArb = fc.oneof(
  fc.double({ min: 1e-9, max: 1, noNaN: true }).filter((p) => p > 0),
  fc.constantFrom(0.01, 1e-7, 1),
);
const windowArb = fc
  .record({ fromMs: timeArb, span: fc.option(fc.integer({ min: 1, max: 60_000 })) })
  .map(({ fromMs, span }) => ({ fromMs, toMs: span === null ? null : fromMs + span }));
const triggerArb = fc.record({
  node: nodeArb,
  atMs: fc.option(timeArb),
  after: fc.option(countArb),
  p: fc.option(pArb),
  sticky: fc.boolean(),
});
const cbNames = Object.keys(CallbackKindNames) as CallbackKindName[];

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  triggerArb.map((t): Fault => ({ kind: 'jerr', ...t })),
  fc.tuple(triggerArb, fc.constantFrom(...MetaOps)).map(([t, op]): Fault => ({ kind: 'merr', ...t, op })),
  triggerArb.map((t): Fault => ({ kind: 'recovery-withdraw', ...t })),
  fc
    .record({ node: nodeArb, atMs: fc.option(timeArb), after: fc.option(countArb) })
    .filter((c) => c.atMs !== null || c.after !== null)
    .map((c): Fault => ({ kind: 'crash', ...c })),
  fc.tuple(nodeArb, delayArb, windowArb).map(([node, writeMs, w]): Fault => ({ kind: 'slow', node, writeMs, ...w })),
  fc
    .tuple(nodeArb, delayArb, fc.option(fc.constantFrom(...cbNames)), windowArb)
    .map(([node, delayMs, cb, w]): Fault => ({ kind: 'cbdelay', node, delayMs, cb, ...w })),
  fc
    .tuple(nodeArb, delayArb, windowArb)
    .map(([node, delayMs, w]): Fault => ({ kind: 'ackdelay', node, delayMs, ...w })),
);

const planArb: fc.Arbitrary<FaultPlan> = fc
  .array(faultArb, { minLength: 0, maxLength: 16 })
  .map((faults) => ({ faults }));
