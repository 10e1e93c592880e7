/**
 * The SQLite store's labels (issue 14): a site's labels, owner-managed, and which conversations
 * carry them. Every change logs its event in the same write job: `labels` with the site's whole
 * list after a change to it, `conversation.labels` with a conversation's label ids after one was
 * put on or taken off. SQLite runs one job at a time, so a check and its change cannot be split.
 */
import { LIMITS } from '../../protocol/protocol.ts';
import { nameKey, toLabel } from './inbox-rows.ts';
import { newId } from './rows.ts';
import type { SqliteDb } from './sqlite-db.ts';
import { RefusedError, type LabelMethods, type LoggedEvent } from './store.ts';

export function createSqliteLabels({ now, one, all, run, write, logEvent }: SqliteDb): LabelMethods {
  const siteLabels = (siteId: string) => all('SELECT * FROM labels WHERE site_id = ? ORDER BY name_key, id', siteId).map(toLabel);
  const labelsEvent = (siteId: string): LoggedEvent =>
    logEvent({ type: 'labels', data: { siteId, labels: siteLabels(siteId) }, siteId, visitorId: null, audience: 'agents' });
  const nameTaken = (siteId: string, name: string, except: string | null) =>
    !!one('SELECT 1 FROM labels WHERE site_id = ? AND name_key = ? AND id IS NOT ?', siteId, nameKey(name), except);
  const taken = (name: string) => new RefusedError('name-taken', `A label named “${name.trim()}” already exists on this site.`);

  return {
    async listLabels(siteIds) {
      if (siteIds.length === 0) return [];
      return all(`SELECT * FROM labels WHERE site_id IN (${siteIds.map(() => '?').join(', ')}) ORDER BY site_id, name_key, id`, ...siteIds).map(toLabel);
    },
    async createLabel({ siteId, name, color }) {
      return write(() => {
        if (nameTaken(siteId, name, null)) throw taken(name);
        if (Number(one('SELECT count(*) AS n FROM labels WHERE site_id = ?', siteId)!.n) >= LIMITS.labelsPerSite) {
          throw new RefusedError('limit', `A site can have at most ${LIMITS.labelsPerSite} labels; delete one first.`);
        }
        const id = newId('l');
        run('INSERT INTO labels (id, site_id, name, name_key, color, created_at) VALUES (?, ?, ?, ?, ?, ?)', id, siteId, name.trim(), nameKey(name), color, now());
        return { value: toLabel(one('SELECT * FROM labels WHERE id = ?', id)!), events: [labelsEvent(siteId)] };
      });
    },
    async updateLabel(siteId, labelId, patch) {
      return write(() => {
        const row = one('SELECT * FROM labels WHERE id = ? AND site_id = ?', labelId, siteId);
        if (!row) return null;
        const before = toLabel(row);
        const name = patch.name?.trim() ?? before.name;
        const color = patch.color ?? before.color;
        if (name === before.name && color === before.color) return { value: before, events: [] };
        if (nameTaken(siteId, name, labelId)) throw taken(name);
        run('UPDATE labels SET name = ?, name_key = ?, color = ? WHERE id = ?', name, nameKey(name), color, labelId);
        return { value: { ...before, name, color }, events: [labelsEvent(siteId)] };
      });
    },
    async deleteLabel(siteId, labelId) {
      return write(() => {
        // Its conversation_labels rows go with it (ON DELETE CASCADE).
        const gone = Number(run('DELETE FROM labels WHERE id = ? AND site_id = ?', labelId, siteId).changes) > 0;
        return { value: gone, events: gone ? [labelsEvent(siteId)] : [] };
      });
    },
    async setConversationLabel(conversationId, labelId, present) {
      return write(() => {
        const conversation = one('SELECT site_id, visitor_id FROM conversations WHERE id = ?', conversationId);
        const label = one('SELECT site_id FROM labels WHERE id = ?', labelId);
        if (!conversation || !label || label.site_id !== conversation.site_id) return null;
        const { changes } = present
          ? run('INSERT INTO conversation_labels (conversation_id, label_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', conversationId, labelId, now())
          : run('DELETE FROM conversation_labels WHERE conversation_id = ? AND label_id = ?', conversationId, labelId);
        const labelIds = all(`SELECT cl.label_id FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id
          WHERE cl.conversation_id = ? ORDER BY l.name_key, l.id`, conversationId).map((r) => String(r.label_id));
        const events = Number(changes) === 0 ? [] : [logEvent({
          type: 'conversation.labels', data: { conversationId, labelIds },
          siteId: String(conversation.site_id), visitorId: String(conversation.visitor_id), audience: 'agents',
        })];
        return { value: labelIds, events };
      });
    },
    async conversationLabels(conversationIds) {
      const result: Record<string, string[]> = {};
      if (conversationIds.length === 0) return result;
      const rows = all(`SELECT cl.conversation_id, cl.label_id FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id
        WHERE cl.conversation_id IN (${conversationIds.map(() => '?').join(', ')}) ORDER BY l.name_key, l.id`, ...conversationIds);
      for (const row of rows) (result[String(row.conversation_id)] ??= []).push(String(row.label_id));
      return result;
    },
  };
}
