// Words, places and accounts for the "Health as a Social Movement" campaign datasets. Handles are
// invented (none belongs to a real account) and kept to X's 15-character limit.

export interface Town {
  name: string;
  lat: number;
  lon: number;
  /** Whether X has a place for it that posts can be tagged with. */
  place: boolean;
}

export interface Locality {
  name: string;
  towns: Town[];
}

export const LOCALITIES: readonly Locality[] = [
  {
    name: 'Stockport',
    towns: [
      { name: 'Stockport', lat: 53.408, lon: -2.149, place: true },
      { name: 'Bramhall', lat: 53.359, lon: -2.163, place: true },
      { name: 'Marple', lat: 53.394, lon: -2.063, place: true },
      { name: 'Cheadle', lat: 53.393, lon: -2.213, place: true },
      { name: 'Hazel Grove', lat: 53.378, lon: -2.111, place: false },
      { name: 'Reddish', lat: 53.436, lon: -2.158, place: false },
      { name: 'Romiley', lat: 53.414, lon: -2.089, place: false },
    ],
  },
  {
    name: 'Oldham',
    towns: [
      { name: 'Oldham', lat: 53.541, lon: -2.118, place: true },
      { name: 'Chadderton', lat: 53.546, lon: -2.141, place: true },
      { name: 'Royton', lat: 53.566, lon: -2.122, place: false },
      { name: 'Saddleworth', lat: 53.548, lon: -2.003, place: true },
      { name: 'Shaw', lat: 53.577, lon: -2.092, place: false },
      { name: 'Failsworth', lat: 53.508, lon: -2.158, place: false },
      { name: 'Uppermill', lat: 53.547, lon: -2.007, place: false },
    ],
  },
  {
    name: 'Tameside',
    towns: [
      { name: 'Ashton-under-Lyne', lat: 53.489, lon: -2.097, place: true },
      { name: 'Hyde', lat: 53.451, lon: -2.079, place: true },
      { name: 'Stalybridge', lat: 53.484, lon: -2.059, place: true },
      { name: 'Denton', lat: 53.456, lon: -2.116, place: false },
      { name: 'Droylsden', lat: 53.481, lon: -2.149, place: false },
      { name: 'Dukinfield', lat: 53.474, lon: -2.087, place: false },
      { name: 'Mossley', lat: 53.515, lon: -2.041, place: false },
    ],
  },
];

export const ELSEWHERE: readonly Town[] = [
  { name: 'Manchester', lat: 53.48, lon: -2.243, place: true },
  { name: 'London', lat: 51.507, lon: -0.128, place: true },
  { name: 'Leeds', lat: 53.801, lon: -1.549, place: true },
  { name: 'Bristol', lat: 51.455, lon: -2.588, place: false },
  { name: 'Birmingham', lat: 52.486, lon: -1.89, place: false },
  { name: 'Glasgow', lat: 55.864, lon: -4.252, place: false },
  { name: 'Cardiff', lat: 51.482, lon: -3.179, place: false },
  { name: 'Sheffield', lat: 53.381, lon: -1.47, place: false },
];

export interface Organisation {
  name: string;
  username: string;
  location: string;
  description: string;
}

export const ORGANISATIONS: readonly Organisation[] = [
  { name: 'RSA Health Movements', username: 'RSA_HSM_demo', location: 'London', description: 'Health as a Social Movement: the power of people in movements. Demo account.' },
  { name: 'NHS Greater Manchester (demo)', username: 'NHS_GM_demo', location: 'Manchester', description: 'Health and care across Greater Manchester. Demo account.' },
  { name: 'Stockport Together Health', username: 'StockportTH', location: 'Stockport', description: 'Community-led health in Stockport.' },
  { name: 'Oldham Health Hub', username: 'OldhamHealthHub', location: 'Oldham, Greater Manchester', description: 'Neighbourhood health and wellbeing in Oldham.' },
  { name: 'Tameside Carers Network', username: 'TamesideCarers', location: 'Ashton-under-Lyne', description: 'By carers, for carers, across Tameside.' },
];

export const FIRST_NAMES: readonly string[] = [
  'Amira', 'Ben', 'Chloe', 'Dev', 'Ellie', 'Farhan', 'Grace', 'Harry', 'Imran', 'Jess', 'Kieran', 'Leah', 'Mo',
  'Niamh', 'Olu', 'Priya', 'Rachel', 'Sam', 'Tariq', 'Una', 'Vik', 'Wendy', 'Yusuf', 'Zoe', 'Aled', 'Bethan',
];
export const SURNAMES: readonly string[] = [
  'Ahmed', 'Brennan', 'Clarke', 'Dixon', 'Evans', 'Fletcher', 'Gill', 'Hughes', 'Iqbal', 'Jones', 'Kaur', 'Lees',
  'Mistry', 'Nolan', 'Okafor', 'Patel', 'Quinn', 'Rahman', 'Shaw', 'Taylor', 'Walsh', 'Yates',
];

export const BIOS: readonly string[] = [
  'Community organiser. Tea, allotments and arguing for fairer health.',
  'GP. Views my own.',
  'Carer, runner, occasional poet.',
  'Social prescriber. People first.',
  'Public health nerd. Mum of two.',
  'Volunteer at the local food bank.',
  'Nurse for 20 years and counting.',
  '',
];

/** Campaign posts; {tag} is the campaign hashtag, {ltag} the locality's. */
export const ORIGINAL_TEMPLATES: readonly string[] = [
  'Brilliant turnout at the {town} community health walk today. This is what a movement looks like #{tag}',
  'Health is made in communities, not only in clinics. Reading the new RSA report on health as a social movement #{tag}',
  'How do we build power for health in {locality}? Join our open session next week #{tag} {url}',
  "The NHS can't do it alone. People in movements can change what health means locally #{tag}",
  'Peer support groups in {town} are doing more for wellbeing than any leaflet ever did #{tag} #{ltag}',
  'Just launched: Health as a Social Movement: The Power of People in Movements {url} #{tag}',
  'Social movements for health: from {town} to the whole of Greater Manchester #{tag}',
  "Our carers' café in {town} has been running for a year now. Proud of everyone who made it happen #{tag}",
  'What would it take for the NHS to genuinely share power with communities? A thread 🧵 #{tag}',
  'Great conversation with @{mention} about community-led health in {locality} #{tag}',
  '#{tag} Mental health peer support meets every Tuesday at the {town} library. All welcome.',
  'Listening event in {town}: what keeps you well? Come and tell us #{tag} #{ltag}',
];

export const OFF_TOPIC_TEMPLATES: readonly string[] = [
  'Lovely morning in {town}. Off to the market.',
  'Anyone know if the {town} leisure centre pool is open on Sundays?',
  'NHS waiting times in {locality} are still too long. Something has to change.',
  'Reading about social movements and public health this weekend.',
];

export const REPLY_TEMPLATES: readonly string[] = [
  "Couldn't agree more. We see the same in {town} #{tag}",
  'Is there a recording of the session? #{tag}',
  'Thanks for sharing, will pass this on to our group in {town}',
  'This is the conversation {locality} needs to have #{tag}',
];

export const QUOTE_TEMPLATES: readonly string[] = [
  "This is exactly what we've been saying in {locality} #{tag}",
  'Worth reading, especially the part about {town} #{tag}',
  'More of this please #{tag} #{ltag}',
];

export const OTHER_LANGUAGE_TEMPLATES: readonly { lang: string; text: string }[] = [
  { lang: 'cy', text: 'Iechyd fel mudiad cymdeithasol: pŵer pobl #{tag}' },
  { lang: 'pl', text: 'Zdrowie to ruch społeczny. Spotkanie w {town} w sobotę #{tag}' },
  { lang: 'ur', text: 'صحت ایک سماجی تحریک ہے {town} #{tag}' },
];

export const LINK_TARGETS: readonly string[] = [
  'https://www.example.org/reports/health-as-a-social-movement',
  'https://blog.example.org/2026/11/power-of-people-in-movements',
  'https://www.example.org/events/community-health',
];
