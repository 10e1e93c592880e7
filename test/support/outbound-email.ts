/** What tests read out of Parley's outbound emails (issue 12): the "continue the conversation" link of the text part. */
import type { ReceivedEmail } from './smtp-sink.ts';

export const continueLink = (email: ReceivedEmail): string | null =>
  /(?:Continue the conversation|继续对话): (\S+)/.exec(email.mail.text ?? '')?.[1] ?? null;
