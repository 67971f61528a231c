import { describe, expect, it } from 'vitest';
import { DEFAULT_GAZETTEER } from '../../../src/domain/attribution/default-gazetteer.js';
import { placeName, withDefaultGazetteer, type GazetteerPlace } from '../../../src/domain/attribution/locality-rules.js';
import { exampleCampaignLocalities } from './campaign-localities.js';

function placesOf(slug: string): readonly (string | GazetteerPlace)[] {
  const locality = withDefaultGazetteer(exampleCampaignLocalities()).find((candidate) => candidate.slug === slug);
  if (locality === undefined) throw new Error(`no ${slug}`);
  return locality.places;
}

describe('withDefaultGazetteer', () => {
  it('adds the default towns of each known borough to the configured ones', () => {
    const stockport = placesOf('stockport').map(placeName);
    expect(stockport).toEqual(expect.arrayContaining(['Bramhall', 'Cheadle', 'Marple', 'Hazel Grove', 'Reddish', 'Romiley', 'Offerton', 'Gatley']));
    const oldham = placesOf('oldham').map(placeName);
    expect(oldham).toEqual(expect.arrayContaining(['Chadderton', 'Royton', 'Shaw', 'Failsworth', 'Saddleworth', 'Lees', 'Uppermill', 'Delph', 'Diggle']));
    const tameside = placesOf('tameside').map(placeName);
    expect(tameside).toEqual(expect.arrayContaining(['Ashton-under-Lyne', 'Hyde', 'Stalybridge', 'Denton', 'Droylsden', 'Dukinfield', 'Mossley', 'Audenshaw']));
  });

  it('keeps the gazetteer’s ambiguity notes for a place the config also lists', () => {
    const shaw = placesOf('oldham').find((place) => placeName(place) === 'Shaw');
    expect(shaw).toMatchObject({ ambiguity: 'needs-locative-or-support', surname: true });
    expect(placesOf('oldham').filter((place) => placeName(place) === 'Shaw')).toHaveLength(1);
  });

  it('adds configured places the gazetteer lacks as unambiguous', () => {
    const [merged] = withDefaultGazetteer([{ slug: 'stockport', name: 'Stockport', hashtags: [], keywords: [], places: ['Hatherlow'] }]);
    expect(merged?.places).toContain('Hatherlow');
  });

  it('passes localities it does not know through unchanged', () => {
    const wigan = { slug: 'wigan', name: 'Wigan', hashtags: ['Wigan'], keywords: [], places: ['Hindley'] };
    expect(withDefaultGazetteer([wigan])).toEqual([wigan]);
  });

  it('lists no place in two boroughs, so a town never attributes to the wrong one', () => {
    const seen = new Map<string, string>();
    for (const [slug, knowledge] of Object.entries(DEFAULT_GAZETTEER)) {
      for (const place of knowledge.places) {
        const name = place.name.toLowerCase();
        expect(seen.get(name), `${place.name} is in ${seen.get(name)} and ${slug}`).toBeUndefined();
        seen.set(name, slug);
      }
    }
  });
});
