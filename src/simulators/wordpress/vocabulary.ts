// Words the dataset generator draws on: the campaign's places, people-like names and the kinds of
// things people write under a campaign's posts, including the hostile markup a scraper meets.

export const PRIMER_TITLE = 'Health as a Social Movement: The Power of People in Movements';

export const LOCALITIES = [
  { name: 'Stockport', towns: ['Bramhall', 'Cheadle', 'Marple', 'Hazel Grove', 'Reddish', 'Edgeley'] },
  { name: 'Oldham', towns: ['Chadderton', 'Royton', 'Saddleworth', 'Failsworth', 'Shaw', 'Lees'] },
  { name: 'Tameside', towns: ['Ashton-under-Lyne', 'Hyde', 'Stalybridge', 'Denton', 'Droylsden', 'Mossley'] },
] as const;

export const TOPICS = [
  'walking group',
  'community kitchen',
  'peer support circle',
  'mental health drop-in',
  'allotment project',
  'social prescribing pilot',
  'carers’ network',
  'youth health forum',
  'men’s shed',
  'warm space',
  'parkrun volunteers',
  'dementia café',
] as const;

export const STORY_TITLES = [
  'How the {town} {topic} grew from six people to sixty',
  '{town}: what a {topic} taught us about health',
  'People power in {town} — the {topic} story',
  'Notes from the {locality} gathering: {topic}',
  'Why {town} residents started a {topic}',
  '{locality} learning exchange: the {topic} in {town}',
] as const;

export const FIRST_NAMES = [
  'Aisha', 'Ben', 'Chloe', 'Dev', 'Eleanor', 'Farah', 'Gareth', 'Hannah', 'Imran', 'Jade', 'Kieran', 'Leanne',
  'Mohammed', 'Niamh', 'Owen', 'Priya', 'Ravi', 'Sarah', 'Tom', 'Usha', 'Vicky', 'Wes', 'Yasmin', 'Zoe',
  'Siobhán', 'Zoë', 'José', 'Łukasz',
] as const;

export const LAST_NAMES = [
  'Ahmed', 'Brennan', 'Clarke', 'Dawson', 'Evans', 'Fletcher', 'Ghosh', 'Hughes', 'Iqbal', 'Jones', 'Khan',
  'Lowe', 'Murphy', 'Nowak', 'O’Brien', 'Patel', 'Quinn', 'Roberts', 'Shah', 'Taylor', 'Walsh', 'Wright',
] as const;

export const OPENERS = [
  'Brilliant to see this.',
  'This really resonates.',
  'Thank you for sharing.',
  'I was at the session last week and',
  'As a volunteer in {town},',
  'Speaking as a GP in {locality},',
  'Honestly,',
  'Great read!',
  'Not sure I agree —',
] as const;

export const BODIES = [
  'the {topic} in {town} has changed how our street looks after each other.',
  'we need more of this across {locality}, not just in {town}.',
  'people in {town} have been doing this for years without any funding.',
  'the primer puts into words what the {topic} has been showing us.',
  'who can I contact about starting a {topic} near {town}?',
  'movements like this are how health actually improves, from the ground up.',
  'my mum goes to the {topic} every Tuesday and it has been a lifeline.',
  'it would help if the council in {locality} listened to groups like this.',
] as const;

export const EMOJI = ['💚', '🙌', '👏', '🌱', '✊', '😊', '🏃‍♀️', '❤️'] as const;

// Payloads a careless renderer would execute. WordPress strips most of these with kses for guests,
// but imported comments, plugins and bugs let them through, so the client must never trust the HTML.
export const HOSTILE_FRAGMENTS = [
  '<script>alert("xss")</script>',
  '<img src=x onerror="alert(document.cookie)">',
  '<a href="javascript:alert(1)">click me</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<p onclick="steal()">tap here</p>',
  '<svg onload=alert(1)>',
] as const;
