import { describe, expect, it } from 'vitest';
import { compileLocalityRules } from '../../../src/domain/attribution/index.js';
import { exampleLocalityRules } from './campaign-localities.js';
import { LABELLED_POSTS } from './labelled-posts.js';

interface Score {
  precision: number;
  recall: number;
  misses: string[];
  falseAlarms: string[];
}

// Micro-averaged over (post, locality) pairs: every locality a post should or should not carry counts once.
function score(): Score {
  const matcher = compileLocalityRules(exampleLocalityRules());
  let truePositives = 0;
  let predicted = 0;
  let expected = 0;
  const misses: string[] = [];
  const falseAlarms: string[] = [];
  for (const { id, input, expected: labels } of LABELLED_POSTS) {
    const found = new Set(matcher.attribute(input).map((attribution) => attribution.locality));
    predicted += found.size;
    expected += labels.length;
    for (const label of labels) {
      if (found.has(label)) truePositives += 1;
      else misses.push(`${id} ${label}: ${input.text}`);
    }
    for (const locality of found) {
      if (!(labels as readonly string[]).includes(locality)) falseAlarms.push(`${id} ${locality}: ${input.text}`);
    }
  }
  return { precision: predicted === 0 ? 1 : truePositives / predicted, recall: expected === 0 ? 1 : truePositives / expected, misses, falseAlarms };
}

describe('locality attribution against the labelled posts', () => {
  it('has a labelled set of at least 250 posts with unique ids', () => {
    expect(LABELLED_POSTS.length).toBeGreaterThanOrEqual(250);
    expect(new Set(LABELLED_POSTS.map((post) => post.id)).size).toBe(LABELLED_POSTS.length);
  });

  it('reaches precision 0.95 and recall 0.90 over (post, locality) pairs', () => {
    const { precision, recall, misses, falseAlarms } = score();
    console.log(`attribution precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} over ${LABELLED_POSTS.length} posts`);
    if (misses.length > 0) console.log(`missed (${misses.length}):\n  ${misses.join('\n  ')}`);
    if (falseAlarms.length > 0) console.log(`false alarms (${falseAlarms.length}):\n  ${falseAlarms.join('\n  ')}`);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});
