export { publishObject } from './publish-object.ts';
export { releaseEmbargoed } from './release.ts';
export { updateCatalogue } from './update-catalogue.ts';
export type { DispatchRequest, PlanDispatch, StopDispatch, StopRequest } from './dispatch-request.ts';
export type { ObjectEvent, PublishDeps, PublishOutcome } from './deps.ts';
export {
  decodeIndexEntry,
  deserialiseEditorial,
  encodeIndexEntry,
  serialiseEditorial,
  type IndexEntry,
  type SerialisedEditorial,
} from './index-entry.ts';
export type { StoredEmailTemplate } from './email-template.ts';
