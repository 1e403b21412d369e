import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/proposals/decide.js';

const v = (yes: number, no: number, abstain = 0) => ({ yes, no, abstain });

describe('lazy consensus', () => {
  it('passes with no vote at all: silence is assent', () => {
    expect(decide('lazy', 3, v(0, 0))).toEqual({
      passed: true,
      reason: 'no objection (0 yes, 0 no, 0 abstain)',
    });
  });

  it('fails on a single objection, whatever the yes votes', () => {
    expect(decide('lazy', 0, v(10, 1)).passed).toBe(false);
    expect(decide('lazy', 0, { yes: 10, no: ['carol'], abstain: 0 })).toEqual({
      passed: false,
      reason: 'objection by carol',
    });
  });

  it('names every objector', () => {
    expect(decide('lazy', 0, { yes: 0, no: ['carol', 'dan'], abstain: 0 }).reason).toBe(
      'objections by carol, dan',
    );
  });

  it('needs no quorum', () => {
    expect(decide('lazy', 10000, v(0, 0, 0)).passed).toBe(true);
  });
});

describe('consent', () => {
  it('fails one participant short of quorum', () => {
    expect(decide('consent', 3, v(2, 0))).toEqual({
      passed: false,
      reason: 'quorum 3 not met: 2 participants',
    });
  });

  it('passes exactly at quorum with no objection', () => {
    expect(decide('consent', 3, v(3, 0))).toEqual({
      passed: true,
      reason: 'no objection, 3 participants (quorum 3)',
    });
  });

  it('fails at quorum when someone objects', () => {
    expect(decide('consent', 3, { yes: 2, no: ['carol'], abstain: 0 })).toEqual({
      passed: false,
      reason: 'objection by carol',
    });
  });

  it('counts abstentions toward the quorum', () => {
    expect(decide('consent', 3, v(1, 0, 2)).passed).toBe(true);
    expect(decide('consent', 3, v(0, 0, 2)).passed).toBe(false);
  });

  it('with quorum 0 passes on silence', () => {
    expect(decide('consent', 0, v(0, 0))).toEqual({
      passed: true,
      reason: 'no objection, 0 participants (quorum 0)',
    });
  });

  it('reports both an objection and a missed quorum', () => {
    expect(decide('consent', 3, { yes: 0, no: ['carol'], abstain: 0 }).reason).toBe(
      'objection by carol; quorum 3 not met: 1 participant',
    );
  });
});

describe('majority', () => {
  it('fails on a tie', () => {
    expect(decide('majority', 0, v(2, 2))).toEqual({
      passed: false,
      reason: '2 yes, 2 no, 0 abstain: yes must outnumber no',
    });
  });

  it('passes with one more yes than no', () => {
    expect(decide('majority', 0, v(3, 2))).toEqual({ passed: true, reason: '3 yes, 2 no, 0 abstain' });
  });

  it('fails short of quorum even with a clear majority', () => {
    expect(decide('majority', 5, v(3, 1))).toEqual({
      passed: false,
      reason: 'quorum 5 not met: 4 participants',
    });
  });

  it('passes at quorum reached only with abstentions, which do not count as yes or no', () => {
    expect(decide('majority', 5, v(3, 1, 1))).toEqual({ passed: true, reason: '3 yes, 1 no, 1 abstain' });
    expect(decide('majority', 3, v(1, 1, 5)).passed).toBe(false);
  });

  it('fails with no votes at quorum 0 (yes must outnumber no)', () => {
    expect(decide('majority', 0, v(0, 0)).passed).toBe(false);
  });
});

describe('supermajority', () => {
  it('passes at exactly two thirds', () => {
    expect(decide('supermajority', 3, v(2, 1))).toEqual({ passed: true, reason: '2 yes, 1 no, 0 abstain' });
    expect(decide('supermajority', 0, v(20, 10)).passed).toBe(true);
  });

  it('fails just under two thirds', () => {
    expect(decide('supermajority', 0, v(3, 2)).passed).toBe(false);
    expect(decide('supermajority', 0, v(66, 34))).toEqual({
      passed: false,
      reason: '66 yes, 34 no, 0 abstain: yes must be at least 2/3 of yes + no',
    });
    expect(decide('supermajority', 0, v(67, 34)).passed).toBe(false);
    expect(decide('supermajority', 0, v(68, 34)).passed).toBe(true);
  });

  it('ignores abstentions in the ratio but counts them toward the quorum', () => {
    expect(decide('supermajority', 10, v(2, 1, 7)).passed).toBe(true);
    expect(decide('supermajority', 10, v(2, 1, 6))).toEqual({
      passed: false,
      reason: 'quorum 10 not met: 9 participants',
    });
  });

  it('passes with only yes votes at quorum', () => {
    expect(decide('supermajority', 1, v(1, 0)).passed).toBe(true);
  });

  it('with quorum 0 and no votes passes: 0 ≥ 2/3 · 0', () => {
    expect(decide('supermajority', 0, v(0, 0)).passed).toBe(true);
  });
});
