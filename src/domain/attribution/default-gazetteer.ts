import type { DefaultLocalityKnowledge, GazetteerPlace, LocalityRegion } from './locality-rules.js';

// The towns, villages, suburbs and wards of the three boroughs the campaign works in, with what a
// reader needs to know to tell each from its namesakes. Places just over a borough boundary are
// left out on purpose: Glossop and Tintwistle (Derbyshire), Poynton and Disley (Cheshire East),
// Middleton and Milnrow (Rochdale), Moston (Manchester). Names too common to mean anything
// ("Newton", "Fairfield", "Waterloo", "Copley", "Hurst", "Alexandra") are left out too: they
// would cost precision for little recall.

const GREATER_MANCHESTER_WORDS = ['Greater Manchester', 'Gtr Manchester', 'Manchester', 'GMCA', 'NHS GM'] as const;

/**
 * Counties, regions and cities far enough away that a name beside them is probably the namesake.
 * Cheshire, Lancashire, Derbyshire and Yorkshire are left out: the boroughs were, or border, them.
 */
const OUTSIDE_GREATER_MANCHESTER = [
  'London', 'Liverpool', 'Merseyside', 'Leeds', 'Sheffield', 'Bradford', 'Hull', 'Newcastle', 'Birmingham', 'Bristol',
  'Nottingham', 'Leicester', 'Cumbria', 'Lake District', 'Ambleside', 'Wiltshire', 'Berkshire', 'Hampshire', 'Surrey',
  'Kent', 'Sussex', 'Essex', 'Norfolk', 'Suffolk', 'Lincolnshire', 'Lincs', 'Staffordshire', 'Staffs', 'Shropshire',
  'Devon', 'Cornwall', 'Somerset', 'Dorset', 'Gloucestershire', 'Oxfordshire', 'Northamptonshire', 'Northumberland',
  'Scotland', 'Wales', 'Northern Ireland', 'County Antrim', 'Antrim', 'Ireland', 'Texas', 'USA', 'Iowa', 'Canada', 'Australia',
] as const;

function region(...countyWords: string[]): LocalityRegion {
  return { name: 'Greater Manchester', words: [...GREATER_MANCHESTER_WORDS, ...countyWords], elsewhere: OUTSIDE_GREATER_MANCHESTER };
}

/** Manchester's radial roads carry the towns' names and are nowhere near them. */
const ROADS_NAMED_AFTER_TOWNS = {
  stockport: ['Stockport Road'],
  oldham: ['Oldham Road', 'Oldham Street'],
  tameside: ['Hyde Road', 'Ashton Old Road', 'Ashton New Road'],
};

const STOCKPORT_PLACES: readonly GazetteerPlace[] = [
  { name: 'Bramhall' },
  { name: 'Bredbury' },
  { name: 'Bredbury Green' },
  { name: 'Brinnington' },
  { name: 'Adswood' },
  { name: 'Cale Green' },
  { name: 'Cheadle', ambiguity: 'needs-support', notWhen: ['Cheadle Staffordshire', 'Cheadle Staffs', 'Cheadle Stoke', 'Cheadle in Staffordshire'] },
  { name: 'Cheadle Hulme' },
  { name: 'Cheadle Heath' },
  { name: 'Compstall' },
  { name: 'Davenport', ambiguity: 'needs-support', surname: true },
  { name: 'Edgeley' },
  { name: 'Gatley' },
  { name: 'Great Moor', ambiguity: 'minor-namesake' },
  { name: 'Hazel Grove', commonWord: true },
  { name: 'Heald Green' },
  { name: 'Heaton Chapel' },
  { name: 'Heaton Mersey' },
  { name: 'Heaton Moor' },
  { name: 'Heaton Norris' },
  { name: 'The Heatons', aliases: ['Heatons'] },
  { name: 'Heaviley' },
  { name: 'High Lane', ambiguity: 'needs-locative-or-support', commonWord: true },
  { name: 'Hillgate', ambiguity: 'minor-namesake' },
  { name: 'Lancashire Hill' },
  { name: 'Marple', ambiguity: 'needs-locative-or-support', surname: true, notWhen: ['Miss Marple', 'Jane Marple'] },
  { name: 'Marple Bridge' },
  { name: 'Mellor', ambiguity: 'needs-locative-or-support', surname: true },
  { name: 'Offerton' },
  { name: 'Portwood', ambiguity: 'minor-namesake' },
  { name: 'Reddish', ambiguity: 'minor-namesake', commonWord: true },
  { name: 'Reddish Vale' },
  { name: 'Romiley' },
  { name: 'Shaw Heath' },
  { name: 'Stepping Hill' },
  { name: 'Strines', ambiguity: 'minor-namesake' },
  { name: 'Torkington' },
  { name: 'Woodford', ambiguity: 'needs-support' },
  { name: 'Woodley', ambiguity: 'needs-support', surname: true },
  { name: 'Woodsmoor' },
];

const OLDHAM_PLACES: readonly GazetteerPlace[] = [
  { name: 'Austerlands' },
  { name: 'Chadderton' },
  { name: 'Clarksfield' },
  { name: 'Coldhurst' },
  { name: 'Crompton', ambiguity: 'needs-locative-or-support', surname: true },
  { name: 'Shaw and Crompton', aliases: ['Shaw & Crompton'] },
  { name: 'High Crompton' },
  { name: 'Delph', ambiguity: 'needs-locative-or-support', commonWord: true, surname: true, notWhen: ['Delph Reservoir'] },
  { name: 'Denshaw' },
  { name: 'Derker' },
  { name: 'Diggle', ambiguity: 'minor-namesake', surname: true },
  { name: 'Dobcross' },
  { name: 'Dovestone', aliases: ['Dovestones'] },
  { name: 'Failsworth' },
  { name: 'Fitton Hill' },
  { name: 'Friezland', ambiguity: 'minor-namesake' },
  { name: 'Glodwick' },
  { name: 'Grasscroft' },
  { name: 'Greenfield', ambiguity: 'needs-support', commonWord: true },
  { name: 'Grotton' },
  { name: 'Hathershaw' },
  { name: 'Heyside' },
  { name: 'Higginshaw' },
  { name: 'Hollinwood' },
  { name: 'Lees', ambiguity: 'needs-locative-or-support', surname: true, commonWord: true },
  { name: 'Limeside' },
  // Also the doctor in Middlemarch, who turns up in health writing.
  { name: 'Lydgate', ambiguity: 'minor-namesake', surname: true },
  { name: 'Medlock Vale' },
  { name: 'Royton' },
  { name: 'Saddleworth' },
  { name: 'Scouthead' },
  { name: 'Shaw', ambiguity: 'needs-locative-or-support', surname: true, commonWord: true, notWhen: ['Bernard Shaw', 'Shaw Trust', 'Shaw Theatre'] },
  { name: 'Sholver' },
  { name: 'Springhead', ambiguity: 'minor-namesake' },
  { name: 'Uppermill' },
  { name: 'Waterhead', ambiguity: 'minor-namesake' },
  { name: 'Watersheddings' },
  { name: 'Werneth', ambiguity: 'minor-namesake' },
];

const TAMESIDE_PLACES: readonly GazetteerPlace[] = [
  {
    name: 'Ashton-under-Lyne',
    aliases: ['Ashton u Lyne', 'Ashton-u-Lyne', 'Ashton u L', 'Ashton upon Lyne', 'Ashton under Lyne'],
  },
  {
    name: 'Ashton',
    ambiguity: 'needs-same-locality-support',
    surname: true,
    notWhen: ['Ashton in Makerfield', 'Ashton on Mersey', 'Ashton upon Mersey', 'Ashton Gate', 'Ashton Court', 'Ashton Keynes', 'Ashton Kutcher', 'Curzon Ashton'],
  },
  { name: 'Ashton Moss' },
  { name: 'Audenshaw' },
  { name: 'Broadbottom' },
  { name: 'Carrbrook' },
  { name: 'Dane Bank', ambiguity: 'minor-namesake' },
  {
    name: 'Denton',
    ambiguity: 'needs-support',
    surname: true,
    notWhen: [
      'Denton Texas', 'Denton TX', 'Denton in Texas', 'Denton County', 'Denton Norfolk', 'Denton Lincolnshire', 'Denton Lincs',
      'Denton North Carolina', 'Denton NC', 'Denton Maryland', 'Denton MD', 'Denton Northamptonshire', 'Denton Kent',
    ],
  },
  { name: 'Droylsden', notWhen: ['Droylsden FC'] },
  { name: 'Dukinfield' },
  { name: 'Flowery Field' },
  { name: 'Gee Cross' },
  { name: 'Godley', ambiguity: 'minor-namesake', surname: true },
  { name: 'Guide Bridge' },
  { name: 'Hartshead Pike' },
  { name: 'Hattersley', surname: true },
  { name: 'Haughton Green' },
  { name: 'Heyrod' },
  // Hollingworth Lake is in Littleborough, Rochdale.
  { name: 'Hollingworth', ambiguity: 'minor-namesake', surname: true, notWhen: ['Hollingworth Lake'] },
  {
    name: 'Hyde',
    ambiguity: 'needs-locative-or-support',
    surname: true,
    notWhen: ['Hyde Park', 'Jekyll and Hyde', 'Jekyll & Hyde', 'Hyde United', 'Hyde Hampshire'],
  },
  { name: 'Littlemoss' },
  { name: 'Longdendale' },
  { name: 'Micklehurst' },
  { name: 'Mossley', ambiguity: 'minor-namesake', notWhen: ['Mossley Hill', 'Mossley AFC', 'Mossley Newtownabbey', 'Mossley Antrim', 'Mossley County Antrim', 'Mossley Congleton', 'Mossley Belfast'] },
  { name: 'Mottram', ambiguity: 'minor-namesake', surname: true, notWhen: ['Mottram St Andrew'] },
  { name: 'Mottram in Longdendale' },
  { name: 'Portland Basin' },
  { name: 'Smallshaw' },
  { name: 'Stalybridge', notWhen: ['Stalybridge Celtic'] },
  { name: 'Werneth Low' },
];

export const DEFAULT_GAZETTEER: Readonly<Record<string, DefaultLocalityKnowledge>> = {
  stockport: {
    places: STOCKPORT_PLACES,
    keywords: [],
    // The football club is not the borough's health conversation; its community trust is.
    notAbout: ['Stockport County', ...ROADS_NAMED_AFTER_TOWNS.stockport],
    aboutAfterAll: ['Stockport County Community Trust'],
    region: region('Cheshire'),
  },
  oldham: {
    places: OLDHAM_PLACES,
    keywords: [],
    notAbout: ['Oldham Athletic', 'Oldham Roughyeds', 'Oldham RLFC', ...ROADS_NAMED_AFTER_TOWNS.oldham],
    aboutAfterAll: ['Oldham Athletic Community Trust'],
    region: region('Lancashire', 'Lancs'),
  },
  tameside: {
    places: TAMESIDE_PLACES,
    keywords: [],
    notAbout: [...ROADS_NAMED_AFTER_TOWNS.tameside],
    aboutAfterAll: [],
    region: region('Cheshire', 'Lancashire', 'Lancs'),
  },
};
