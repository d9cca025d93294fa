import { RelatedDto } from './related.dto.js';

/** POST /incidents/:id/links: the other incident and how this one relates to it. */
export class LinkIncidentDto extends RelatedDto {}
