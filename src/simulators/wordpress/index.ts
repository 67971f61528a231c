export { startFakeWordPress, type FakeWordPress, type FakeWordPressOptions, type WordPressFlavour } from './server.js';
export type { PastLastCommentsPage } from './rest.js';
export { generateWordPressDataset, generateLiveComments, TEAM_USER, type DatasetLaunch, type GenerateWordPressDatasetOptions, type LiveCommentsOptions } from './dataset.js';
export type { Fault, FaultHandle, FaultKind, FaultScope } from './faults.js';
export type { Permalinks } from './links.js';
export type { RequestLogEntry, RequestMatch } from './request-log.js';
export type { CommentEdit, NewComment, NewPost } from './store.js';
export type { CommentStatus, CommentType, FakeComment, FakePost, FakeTerm, PostStatus, SiteInfo, WordPressDataset } from './types.js';
export { PRIMER_TITLE } from './vocabulary.js';
