import { describe, expect, it } from 'vitest';
import {
  attributePost,
  compileLocalityRules,
  type Attribution,
  type AttributionInput,
  type AttributionOptions,
} from '../../../src/domain/attribution/index.js';
import { exampleLocalityRules } from './campaign-localities.js';

const matcher = compileLocalityRules(exampleLocalityRules());

function attribute(input: AttributionInput | string, options?: AttributionOptions): Attribution[] {
  return matcher.attribute(typeof input === 'string' ? { text: input } : input, options);
}

function localities(input: AttributionInput | string): string[] {
  return attribute(input).map((attribution) => attribution.locality).sort();
}

function only(input: AttributionInput | string): Attribution {
  const result = attribute(input);
  expect(result).toHaveLength(1);
  const [attribution] = result;
  if (attribution === undefined) throw new Error('no attribution');
  return attribution;
}

describe('hashtag rule', () => {
  it('attributes a configured hashtag case-insensitively, reporting the tag', () => {
    expect(only('Free health MOTs all week #lovestockport')).toEqual({ locality: 'stockport', rule: 'hashtag', matched: '#lovestockport', confidence: 0.95 });
  });

  it('reads hashtags from X entities when given, rather than from the text', () => {
    expect(only({ text: 'Walk leaders wanted', hashtags: ['ActiveTameside'] }).locality).toBe('tameside');
    expect(attribute({ text: 'Walk leaders wanted #ActiveTameside', hashtags: [] })).toEqual([]);
  });

  it('treats a hashtag spelling a gazetteer place as that place', () => {
    expect(only('Mums running club #HazelGrove')).toMatchObject({ locality: 'stockport', rule: 'hashtag', confidence: 0.9 });
    expect(only('Market stall is back #Ashton_Under_Lyne').locality).toBe('tameside');
  });

  it('accepts a hashtag of a surname-like town but not of a far-away namesake', () => {
    expect(only('Choir tonight #Marple').locality).toBe('stockport');
    expect(attribute('Community cafe open late #Denton')).toEqual([]);
  });

  it('ignores a hashtag naming a football club', () => {
    expect(attribute('Up the Latics #OldhamAthletic')).toEqual([]);
  });
});

describe('keyword rule', () => {
  it('matches the locality name and configured phrases as whole words', () => {
    expect(only('Great turnout from Stockport today')).toMatchObject({ locality: 'stockport', rule: 'keyword', matched: 'Stockport' });
    expect(only('Tameside Hospital maternity voices')).toMatchObject({ locality: 'tameside', matched: 'Tameside Hospital' });
    expect(attribute('Stockportian pride')).toEqual([]);
  });

  it('is case- and accent-insensitive and reads fancy Unicode letters', () => {
    expect(localities('STOCKPORT IS READY')).toEqual(['stockport']);
    expect(localities('Stöckport food pantry')).toEqual(['stockport']);
    expect(localities('𝐎𝐥𝐝𝐡𝐚𝐦 champions')).toEqual(['oldham']);
  });

  it('reads through a possessive', () => {
    expect(localities("Oldham's champions")).toEqual(['oldham']);
    expect(localities('Tameside’s link workers')).toEqual(['tameside']);
  });
});

describe('place-name rule', () => {
  it('gives an unambiguous town 0.9', () => {
    expect(only('Bramhall library chatty café')).toEqual({ locality: 'stockport', rule: 'place-name', matched: 'Bramhall', confidence: 0.9 });
  });

  it('matches hyphenated and spaced forms of multi-word names, reporting them as written', () => {
    expect(only('Ashton-under-Lyne market').matched).toBe('Ashton-under-Lyne');
    expect(only('Ashton under Lyne market').locality).toBe('tameside');
    expect(only('Ashton u Lyne market').locality).toBe('tameside');
    expect(only('Hazel Grove foodbank').matched).toBe('Hazel Grove');
  });

  it('prefers the longest name: Cheadle Hulme is Stockport without support, Werneth Low is Tameside', () => {
    expect(only('Cheadle Hulme walking netball')).toMatchObject({ locality: 'stockport', matched: 'Cheadle Hulme', confidence: 0.9 });
    expect(only('Walk up Werneth Low').locality).toBe('tameside');
  });

  it('uses places added in the config as well as the default gazetteer', () => {
    const rules = exampleLocalityRules().map((locality) => (locality.slug === 'oldham' ? { ...locality, places: [...locality.places, 'Moorside'] } : locality));
    expect(attributePost({ text: 'Moorside community centre' }, rules).map((a) => a.locality)).toEqual(['oldham']);
  });

  it('attributes a post naming towns in several localities to each of them', () => {
    expect(localities('From Stalybridge to Romiley and on to Uppermill')).toEqual(['oldham', 'stockport', 'tameside']);
  });

  it('leaves a post naming no locality unattributed', () => {
    expect(attribute('Health as a social movement means patients as partners #RSAhealth')).toEqual([]);
    expect(attribute('Salford and Wigan and Glossop are not ours')).toEqual([]);
  });
});

describe('ambiguous names', () => {
  it('does not read Oldham Athletic or Stockport County as the borough, but does read their community trusts', () => {
    expect(attribute('Off to watch Oldham Athletic after the launch')).toEqual([]);
    expect(attribute('Stockport County v Oldham Athletic tonight')).toEqual([]);
    expect(localities('Oldham Athletic Community Trust walking football')).toEqual(['oldham']);
    expect(localities("Stockport County's community trust runs walking football")).toEqual(['stockport']);
  });

  it('still attributes the borough when the club is named beside a real mention', () => {
    expect(localities('Oldham Athletic fans collecting for the foodbank in Oldham town centre')).toEqual(['oldham']);
  });

  it('does not read Hyde Park, Jekyll and Hyde or Hyde Road as Hyde', () => {
    expect(attribute('Walked through Hyde Park thinking about the primer')).toEqual([]);
    expect(attribute('Jekyll and Hyde is how commissioning feels')).toEqual([]);
    expect(attribute('Hyde Road bus depot staff did a health fair')).toEqual([]);
  });

  it('reads Hyde after a preposition of place, or beside other Greater Manchester evidence', () => {
    expect(only('Walking in Hyde today').confidence).toBe(0.65);
    expect(localities('Hyde and Romiley running clubs')).toEqual(['stockport', 'tameside']);
    expect(attribute('Hyde market is back')).toEqual([]);
  });

  it('does not read Denton, Texas (or TX, or Norfolk) as Denton, Tameside', () => {
    expect(attribute('Greetings from Denton, Texas!')).toEqual([]);
    expect(attribute('Denton TX public health team reading along, Manchester fans')).toEqual([]);
    expect(attribute('Our village, Denton in Norfolk, has a brilliant nurse')).toEqual([]);
  });

  it('needs support for a bare Denton: a region word or evidence for Tameside or a neighbour', () => {
    expect(attribute('As a nurse in Denton I see this daily')).toEqual([]);
    expect(only('Denton, Manchester community choir')).toMatchObject({ locality: 'tameside', confidence: 0.6 });
    expect(only('Denton, Tameside: free lunches for carers')).toMatchObject({ locality: 'tameside', rule: 'keyword' });
    expect(localities('Our Heatons and Denton groups swapped recipes')).toEqual(['stockport', 'tameside']);
  });

  it('does not read Shaw as the town when it is a surname', () => {
    expect(attribute('Interview with Dr Sarah Shaw on GPs')).toEqual([]);
    expect(attribute("As George Bernard Shaw said, 'all professions are conspiracies'")).toEqual([]);
    expect(attribute('Dr. Shaw presented the model')).toEqual([]);
    expect(attribute('Sarah Shaw said the quiet part out loud, in Oldham of all places')).toEqual([{ locality: 'oldham', rule: 'keyword', matched: 'Oldham', confidence: 0.9 }]);
  });

  it('reads Shaw as the town after a preposition of place, or in a list of Oldham towns', () => {
    expect(localities("In Shaw we've got a men's shed")).toEqual(['oldham']);
    expect(localities('Chadderton, Royton and Shaw: one health forum')).toEqual(['oldham']);
    expect(localities('Shaw and Crompton warm welcome network')).toEqual(['oldham']);
  });

  it('does not read the Shaw Trust or a shaw (a thicket) as the town', () => {
    expect(attribute("Shaw Trust's employment support gets a mention")).toEqual([]);
    expect(attribute('walked in the shaw behind the house')).toEqual([]);
  });

  it('does not read Lees as the town when it is a surname or the dregs', () => {
    expect(attribute('Prof. Lees made the point that evidence follows movements')).toEqual([]);
    expect(attribute("Andrew Lees and colleagues' paper")).toEqual([]);
    expect(attribute('Feeling the lees of the evening')).toEqual([]);
    expect(localities('Lovely morning in Lees with the pantry team')).toEqual(['oldham']);
  });

  it('does not read a town inside a URL, an e-mail address or an @handle', () => {
    expect(attribute('Read the report https://example.com/stockport-report')).toEqual([]);
    expect(attribute('Thanks @StockportCouncil for hosting us')).toEqual([]);
    expect(attribute('Write to health@oldham.gov.uk or see tameside.gov.uk')).toEqual([]);
  });

  it('needs support for Cheadle, and never reads Cheadle, Staffordshire', () => {
    expect(attribute('Cheadle GP practice signs up')).toEqual([]);
    expect(attribute("Cheadle, Staffordshire's volunteers say hello")).toEqual([]);
    expect(attribute('Cheadle (Staffs) walking group, near Manchester-ish')).toEqual([]);
    expect(only('Cheadle, Cheshire walking group').locality).toBe('stockport');
  });

  it('reads a bare Ashton only beside other Tameside evidence, since Wigan and Trafford have Ashtons too', () => {
    expect(attribute('Met a social prescriber from Ashton today')).toEqual([]);
    expect(attribute('Ashton, Greater Manchester')).toEqual([]);
    expect(only('Ashton market traders and Tameside Council').locality).toBe('tameside');
    expect(attribute("Ashton-in-Makerfield's walk group")).toEqual([]);
    expect(attribute('Ashton Kutcher tweeting about health')).toEqual([]);
  });

  it('does not read Miss Marple as Marple, but reads a move to Marple', () => {
    expect(attribute('Rewatching Miss Marple instead')).toEqual([]);
    expect(attribute("Agatha Christie's Marple would make a great connector")).toEqual([]);
    expect(localities('Living in Marple all my life')).toEqual(['stockport']);
  });

  it('reads Royton on its own, and Mossley unless the text points elsewhere', () => {
    expect(only('Royton leisure centre sessions').confidence).toBe(0.9);
    expect(only("Mossley's Singing for Breathing group").confidence).toBe(0.8);
    expect(attribute('Mossley Hill in Liverpool has a café')).toEqual([]);
    expect(attribute('Mossley, County Antrim says hello')).toEqual([]);
  });

  it('reads Delph beside Saddleworth evidence but not Delph Reservoir near Bolton', () => {
    expect(localities('Denshaw to Delph fell run')).toEqual(['oldham']);
    expect(attribute('Delph Reservoir near Bolton is my thinking spot')).toEqual([]);
  });

  it('reads Reddish capitalised mid-sentence, but not the colour', () => {
    expect(localities('Our GP in Reddish does this')).toEqual(['stockport']);
    expect(attribute('a slightly reddish sunset')).toEqual([]);
    expect(attribute("Reddish patches on your skin? See a pharmacist")).toEqual([]);
    expect(localities('Reddish Vale park run')).toEqual(['stockport']);
  });

  it('does not read a street named after a town as the town', () => {
    expect(attribute('Great Moor Street in Bolton has a new hub')).toEqual([]);
    expect(attribute('The Oldham Street crowd in the Northern Quarter')).toEqual([]);
  });

  it('lets a far-away place in the text overrule a namesake-prone name', () => {
    expect(attribute('Greetings from Shaw, near Melksham in Wiltshire')).toEqual([]);
    expect(attribute('Waterhead in Ambleside, by the lake')).toEqual([]);
    expect(localities('Waterhead and Oldham, not Ambleside')).toEqual(['oldham']);
  });

  it('gives a name with support less confidence than an unambiguous one', () => {
    const [cheadle] = attribute('Cheadle near Manchester');
    const [bramhall] = attribute('Bramhall near Manchester');
    expect(cheadle?.confidence).toBeLessThan(bramhall?.confidence ?? 0);
  });
});

describe('profile-location rule', () => {
  it('attributes the author’s location at lower confidence than the post’s own words', () => {
    expect(only({ text: 'Community is the best medicine', authorLocation: 'Stockport, England' })).toEqual({
      locality: 'stockport',
      rule: 'profile-location',
      matched: 'Stockport',
      confidence: 0.59,
    });
  });

  it('reads a surname-like town as a place in a location field, but not a far-away namesake', () => {
    expect(only({ text: 'Agree', authorLocation: 'Marple' }).locality).toBe('stockport');
    expect(only({ text: 'Agree', authorLocation: 'Hyde, Cheshire' }).locality).toBe('tameside');
    expect(attribute({ text: 'Agree', authorLocation: 'Denton, TX' })).toEqual([]);
    expect(attribute({ text: 'Agree', authorLocation: 'Hyde Park, London' })).toEqual([]);
    expect(only({ text: 'Agree', authorLocation: 'Denton, Manchester' }).locality).toBe('tameside');
  });

  it('lends its region as support to an ambiguous name in the text', () => {
    expect(localities({ text: 'Denton community choir tonight', authorLocation: 'Manchester, England' })).toEqual(['tameside']);
  });

  it('keeps the stronger of text and profile evidence for the same locality', () => {
    expect(only({ text: 'Stockport gathering', authorLocation: 'Bramhall' })).toMatchObject({ rule: 'keyword' });
  });
});

describe('x-place rule', () => {
  it('attributes a geotag in GB by its name', () => {
    expect(only({ text: 'At the launch', place: { fullName: 'Stockport, England', countryCode: 'GB', placeType: 'city' } })).toEqual({
      locality: 'stockport',
      rule: 'x-place',
      matched: 'Stockport',
      confidence: 0.9,
    });
    expect(only({ text: 'Packed', place: { fullName: 'Stepping Hill Hospital', countryCode: 'GB', placeType: 'poi' } }).locality).toBe('stockport');
  });

  it('accepts an ambiguous name when X says the place is in GB', () => {
    expect(only({ text: 'Open mic', place: { fullName: 'Denton, England', countryCode: 'GB', placeType: 'city' } })).toMatchObject({ locality: 'tameside', confidence: 0.75 });
  });

  it('ignores places outside GB and whole-country places', () => {
    expect(attribute({ text: 'Run', place: { fullName: 'Denton, TX', countryCode: 'US', placeType: 'city' } })).toEqual([]);
    expect(attribute({ text: 'Fab', place: { fullName: 'United Kingdom', countryCode: 'GB', placeType: 'country' } })).toEqual([]);
  });
});

describe('comment context', () => {
  it('attributes a comment by its blog post’s categories and tags', () => {
    expect(only({ text: 'So true', comment: { categories: ['Oldham', 'Community health'] } })).toMatchObject({ locality: 'oldham', rule: 'post-category' });
    expect(only({ text: 'So true', comment: { tags: ['Saddleworth'] } })).toMatchObject({ locality: 'oldham', rule: 'post-category' });
    expect(only({ text: 'Lovely', comment: { tags: ['Cheadle'] } }).locality).toBe('stockport');
  });

  it('attributes a comment by its blog post’s title, below its categories', () => {
    const byTitle = only({ text: 'Lovely to meet you all', comment: { postTitle: 'Stockport community gathering' } });
    expect(byTitle).toMatchObject({ locality: 'stockport', rule: 'post-title' });
    expect(byTitle.confidence).toBeLessThan(0.9);
  });

  it('attributes a comment to the locality configured for its site', () => {
    expect(only({ text: 'Keep going!', siteLocality: 'oldham' })).toEqual({ locality: 'oldham', rule: 'site', matched: 'oldham', confidence: 0.8 });
    expect(attribute({ text: 'Keep going!', siteLocality: 'wigan' })).toEqual([]);
  });

  it('reads hashtags typed into a comment', () => {
    expect(only({ text: 'So true. #RSAhealth #Oldham' }).locality).toBe('oldham');
  });
});

describe('staff overrides', () => {
  it('replaces the rules’ result with the staff’s localities at confidence 1', () => {
    expect(attribute('Bramhall library', { overrides: ['oldham', 'tameside', 'oldham'] })).toEqual([
      { locality: 'oldham', rule: 'override', matched: 'staff override', confidence: 1 },
      { locality: 'tameside', rule: 'override', matched: 'staff override', confidence: 1 },
    ]);
  });

  it('marks a post unattributed when staff override with an empty list', () => {
    expect(attribute('Bramhall library', { overrides: [] })).toEqual([]);
  });

  it('applies the rules when no override is given', () => {
    expect(localities('Bramhall library')).toEqual(['stockport']);
    expect(attribute({ text: 'Bramhall library' }, { overrides: null }).map((a) => a.locality)).toEqual(['stockport']);
  });
});

describe('result shape', () => {
  it('gives at most one attribution per locality, strongest first, confidences in [0, 1]', () => {
    const result = attribute({ text: '#Tameside walk from Hyde to Stalybridge, then Marple', authorLocation: 'Bramhall' });
    expect(result.map((a) => a.locality)).toEqual(['tameside', 'stockport']);
    expect(result[0]).toMatchObject({ rule: 'hashtag' });
    for (const { confidence } of result) {
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });

  it('works for a locality the default gazetteer does not know, from its config alone', () => {
    const wigan = compileLocalityRules([{ slug: 'wigan', name: 'Wigan', hashtags: ['WiganDeal'], keywords: [], places: ['Hindley', 'Ashton-in-Makerfield'] }]);
    expect(wigan.attribute({ text: "Ashton-in-Makerfield's walk group" }).map((a) => a.locality)).toEqual(['wigan']);
    expect(wigan.attribute({ text: 'Hyde market' })).toEqual([]);
    expect(wigan.localities).toEqual(['wigan']);
  });

  it('attributePost gives the same answer as a compiled matcher', () => {
    const rules = exampleLocalityRules();
    const post = { text: 'Failsworth and Droylsden share a foodbank' };
    expect(attributePost(post, rules)).toEqual(compileLocalityRules(rules).attribute(post));
    expect(attributePost(post, rules)).toEqual(attributePost(post, rules));
  });
});
