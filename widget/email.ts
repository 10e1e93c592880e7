/**
 * Email continuity's chunk in the widget (issue 12): continuing from an email's link (resume.ts)
 * and the transcript offer of a resolved conversation (transcript.tsx). One chunk for both, since
 * few visitors need either and every chunk the panel can import costs it the chunk's hashed name
 * (~25 B gzip, docs/widget.md "Sizes").
 */
export { resume } from './resume.ts';
export { Transcript } from './transcript.tsx';
