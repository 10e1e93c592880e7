/**
 * The PostgreSQL store's labels (issue 14); the same rows and events as SQLite's
 * (sqlite-labels.ts). Several processes write at once here, so every change to a site's labels
 * first locks the site's row (NO KEY UPDATE: visitors keep arriving meanwhile), which makes the
 * name and limit checks exact; putting a label on a conversation or taking it off locks the
 * conversation, so each `conversation.labels` event lists the ids as they are at its commit.
 * Names sort by their key in the C collation, as SQLite compares them.
 */
import { LIMITS } from '../../protocol/protocol.ts';
import { nameKey, toLabel } from './inbox-rows.ts';
import type { PgDb, Tx } from './pg-db.ts';
import { newId } from './rows.ts';
import { RefusedError, type LabelMethods, type LoggedEvent } from './store.ts';

type NewEvent = Omit<LoggedEvent, 'id'>;

export function createPgLabels({ now, all, tx }: PgDb): LabelMethods {
  const lockSite = (t: Tx, siteId: string) => t.one('SELECT id FROM sites WHERE id = $1 FOR NO KEY UPDATE', siteId);
  const labelsEvent = async (t: Tx, siteId: string): Promise<NewEvent> => ({
    type: 'labels', siteId, visitorId: null, audience: 'agents',
    data: { siteId, labels: (await t.all('SELECT * FROM labels WHERE site_id = $1 ORDER BY name_key COLLATE "C", id', siteId)).map(toLabel) },
  });
  const nameTaken = async (t: Tx, siteId: string, name: string, except: string | null) =>
    !!(await t.one('SELECT 1 FROM labels WHERE site_id = $1 AND name_key = $2 AND id IS DISTINCT FROM $3', siteId, nameKey(name), except));
  const taken = (name: string) => new RefusedError('name-taken', `A label named “${name.trim()}” already exists on this site.`);

  return {
    async listLabels(siteIds) {
      if (siteIds.length === 0) return [];
      return (await all('SELECT * FROM labels WHERE site_id = ANY($1::text[]) ORDER BY site_id COLLATE "C", name_key COLLATE "C", id', siteIds)).map(toLabel);
    },
    async createLabel({ siteId, name, color }) {
      return tx(async (t) => {
        await lockSite(t, siteId);
        if (await nameTaken(t, siteId, name, null)) throw taken(name);
        if (Number((await t.one('SELECT count(*) AS n FROM labels WHERE site_id = $1', siteId))!.n) >= LIMITS.labelsPerSite) {
          throw new RefusedError('limit', `A site can have at most ${LIMITS.labelsPerSite} labels; delete one first.`);
        }
        const { rows: [row] } = await t.run(`INSERT INTO labels (id, site_id, name, name_key, color, created_at)
          VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`, newId('l'), siteId, name.trim(), nameKey(name), color, now());
        return { value: toLabel(row!), events: await t.logEvents([await labelsEvent(t, siteId)]) };
      });
    },
    async updateLabel(siteId, labelId, patch) {
      return tx(async (t) => {
        await lockSite(t, siteId);
        const row = await t.one('SELECT * FROM labels WHERE id = $1 AND site_id = $2', labelId, siteId);
        if (!row) return null;
        const before = toLabel(row);
        const name = patch.name?.trim() ?? before.name;
        const color = patch.color ?? before.color;
        if (name === before.name && color === before.color) return { value: before, events: [] };
        if (await nameTaken(t, siteId, name, labelId)) throw taken(name);
        await t.run('UPDATE labels SET name = $1, name_key = $2, color = $3 WHERE id = $4', name, nameKey(name), color, labelId);
        return { value: { ...before, name, color }, events: await t.logEvents([await labelsEvent(t, siteId)]) };
      });
    },
    async deleteLabel(siteId, labelId) {
      return tx(async (t) => {
        await lockSite(t, siteId);
        // Its conversation_labels rows go with it (ON DELETE CASCADE).
        const { count } = await t.run('DELETE FROM labels WHERE id = $1 AND site_id = $2', labelId, siteId);
        return { value: count > 0, events: count > 0 ? await t.logEvents([await labelsEvent(t, siteId)]) : [] };
      });
    },
    async setConversationLabel(conversationId, labelId, present) {
      return tx(async (t) => {
        const conversation = await t.one('SELECT site_id, visitor_id FROM conversations WHERE id = $1 FOR UPDATE', conversationId);
        // KEY SHARE, as the insert's foreign key would take it, but before it: a deletion of the
        // label in flight is waited for and then answered as "no such label", not a key violation.
        const label = await t.one('SELECT site_id FROM labels WHERE id = $1 FOR KEY SHARE', labelId);
        if (!conversation || !label || label.site_id !== conversation.site_id) return null;
        const { count } = present
          ? await t.run(`INSERT INTO conversation_labels (conversation_id, label_id, created_at)
              SELECT $1, id, $3 FROM labels WHERE id = $2 ON CONFLICT DO NOTHING`, conversationId, labelId, now())
          : await t.run('DELETE FROM conversation_labels WHERE conversation_id = $1 AND label_id = $2', conversationId, labelId);
        const labelIds = (await t.all(`SELECT cl.label_id FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id
          WHERE cl.conversation_id = $1 ORDER BY l.name_key COLLATE "C", l.id`, conversationId)).map((r) => String(r.label_id));
        const events = count === 0 ? [] : await t.logEvents([{
          type: 'conversation.labels', data: { conversationId, labelIds },
          siteId: String(conversation.site_id), visitorId: String(conversation.visitor_id), audience: 'agents',
        }]);
        return { value: labelIds, events };
      });
    },
    async conversationLabels(conversationIds) {
      const result: Record<string, string[]> = {};
      if (conversationIds.length === 0) return result;
      const rows = await all(`SELECT cl.conversation_id, cl.label_id FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id
        WHERE cl.conversation_id = ANY($1::text[]) ORDER BY l.name_key COLLATE "C", l.id`, conversationIds);
      for (const row of rows) (result[String(row.conversation_id)] ??= []).push(String(row.label_id));
      return result;
    },
  };
}
