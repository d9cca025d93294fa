import { SourceDto } from './source.dto.js';

/** POST /incidents/:id/sources: the source itself is the body; the server assigns its id. */
export class AttachSourceDto extends SourceDto {}
