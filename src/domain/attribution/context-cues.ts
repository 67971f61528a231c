import type { Token } from './normalise-text.js';

// The words around an ambiguous name that tell a reader whether it is a place or a person. Kept as
// small, explicit lists so that a wrong call can be traced to one word and fixed there.

/** "in Shaw", "from Marple": a preposition of place before the name reads as the town. */
const LOCATIVES: ReadonlySet<string> = new Set([
  'in', 'at', 'from', 'near', 'around', 'across', 'to', 'into', 'round', 'throughout', 'via', 'through', 'outside',
  'towards', 'toward', 'visit', 'visiting', 'visited', 'nr',
]);

/** "Dr Shaw", "Cllr Hyde", "Miss Marple": a title before the name reads as a person. */
const TITLES: ReadonlySet<string> = new Set([
  'dr', 'doctor', 'mr', 'mrs', 'ms', 'miss', 'mx', 'prof', 'professor', 'sir', 'dame', 'lady', 'lord', 'cllr', 'councillor',
  'rev', 'reverend', 'nurse', 'sister', 'matron', 'mayor', 'minister', 'inspector', 'detective', 'captain', 'uncle', 'aunt', 'auntie',
]);

/**
 * First names common in the UK, for "Sarah Shaw" at the start of a sentence where the capital on
 * "Sarah" says nothing. Mid-sentence any capitalised word before the name counts as a first name.
 */
const GIVEN_NAMES: ReadonlySet<string> = new Set([
  'adam', 'alan', 'alex', 'alice', 'amanda', 'amy', 'andrew', 'andy', 'angela', 'ann', 'anna', 'anne', 'ben', 'bernard', 'beth',
  'bill', 'bob', 'carol', 'catherine', 'charlotte', 'chris', 'claire', 'daniel', 'dave', 'david', 'debbie', 'emily', 'emma',
  'fiona', 'gary', 'george', 'hannah', 'helen', 'ian', 'jack', 'james', 'jane', 'janet', 'jenny', 'jess', 'jo', 'joe', 'john',
  'jon', 'karen', 'kate', 'katie', 'laura', 'linda', 'lisa', 'liz', 'louise', 'lucy', 'margaret', 'mark', 'martin', 'mary',
  'matt', 'michael', 'mike', 'nick', 'nicola', 'paul', 'pete', 'peter', 'rachel', 'richard', 'rob', 'robert', 'roy', 'ruth',
  'sam', 'sarah', 'simon', 'steph', 'steve', 'stephen', 'sue', 'susan', 'tom', 'tony', 'tracy', 'vicky',
]);

/** "…Shaw said", "Hyde argues": a verb of speech after the name reads as a person. */
const SPEECH_VERBS: ReadonlySet<string> = new Set([
  'said', 'says', 'told', 'tells', 'wrote', 'writes', 'argues', 'argued', 'explains', 'explained', 'notes', 'noted', 'tweeted',
  'thinks', 'believes', 'reckons', 'adds', 'added', 'asks', 'asked', 'spoke', 'speaks',
]);

/**
 * Capitalised words that are not first names, so that "IN SHAW" in a shouted post and
 * "On Saturday Shaw…" do not read as a person.
 */
const NOT_FIRST_NAMES: ReadonlySet<string> = new Set([
  'in', 'at', 'from', 'near', 'to', 'and', 'or', 'the', 'of', 'for', 'with', 'on', 'by', 'a', 'an', 'our', 'my', 'your', 'their',
  'around', 'across', 'into', 'through', 'via', 'visit', 'visiting', 'is', 'was', 'love', 'nhs', 'rsa', 'gm', 'uk', 'today',
  'tonight', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march',
  'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'north', 'south', 'east', 'west',
  'central', 'greater', 'upper', 'lower', 'old', 'new', 'great', 'little', 'high',
]);

export function isLocative(previous: Token | undefined): boolean {
  return previous !== undefined && LOCATIVES.has(previous.key);
}

/**
 * Whether the name at `name` reads as a person's: after a title, after a first name, or before a
 * verb of speech. A comma between the words ("Royton, Shaw and Lees") breaks the reading.
 */
export function readsAsPerson(previous: Token | undefined, name: Token, following: Token | undefined): boolean {
  if (following !== undefined && !following.punctuatedBefore && SPEECH_VERBS.has(following.key)) return true;
  if (previous === undefined || name.breakBefore) return false;
  // "Dr. Shaw" keeps its full stop, so a title is read before the punctuation check.
  if (TITLES.has(previous.key)) return true;
  if (name.punctuatedBefore || !previous.capitalised || NOT_FIRST_NAMES.has(previous.key)) return false;
  return GIVEN_NAMES.has(previous.key) || !previous.sentenceStart;
}

/** "Great Moor Street", "Shaw Road": a street named after a town can be anywhere, so it is not a mention of the town. */
const STREET_WORDS: ReadonlySet<string> = new Set([
  'street', 'st', 'road', 'rd', 'lane', 'ln', 'avenue', 'ave', 'drive', 'close', 'crescent', 'terrace', 'boulevard',
]);

export function namesAStreet(following: Token | undefined): boolean {
  return following !== undefined && !following.breakBefore && !following.punctuatedBefore && STREET_WORDS.has(following.key);
}
