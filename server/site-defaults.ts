/** What a new site starts with; the owner changes any of it in the dashboard. */
import type { AttachmentSettings, RatingSettings, WidgetConfig } from '../protocol/protocol.ts';

/**
 * Files (issue 13): on for visitors, up to 10 MB, images, PDF, plain text and office documents.
 * Archives are off by default: a zip's content cannot be checked. Sites made before attachments
 * existed got the same through a migration (SQLite 9, PostgreSQL 7).
 */
export const DEFAULT_ATTACHMENTS: AttachmentSettings = {
  visitors: true,
  maxBytes: 10 * 1024 * 1024,
  types: [
    'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet', 'application/vnd.oasis.opendocument.presentation',
    'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
  ],
};

/**
 * Satisfaction (issue 15): asked with five stars, in the widget's own words. Sites made before
 * ratings existed got the same through a migration (SQLite 12, PostgreSQL 10).
 */
export const DEFAULT_RATING: RatingSettings = { enabled: true, scale: 'five', question: '' };

export function defaultWidgetConfig(teamName: string): Omit<WidgetConfig, 'siteId'> {
  return {
    teamName,
    avatarUrl: null,
    greeting: 'Hi there! Ask us anything — we are happy to help.',
    // Promises no email: whether one can be sent is the server's to say, and the widget's own words say it (issue 12).
    awayMessage: 'We are away right now. Leave us a message and we will answer as soon as we are back.',
    color: '#4f46e5',
    position: 'right',
    launcherLabel: 'Chat with us',
    theme: 'auto',
    locale: null,
    preChat: { name: 'off', email: 'off' },
    whenAway: 'email',
    businessHours: null,
    requireVerifiedIdentity: false,
    attachments: { ...DEFAULT_ATTACHMENTS, types: [...DEFAULT_ATTACHMENTS.types] },
    rating: { ...DEFAULT_RATING },
  };
}
